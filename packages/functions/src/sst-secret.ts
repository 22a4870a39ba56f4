// Reads an SST v2 `Config.Secret` bound to this function as `sst/node/config` would, with one signed SSM call:
// the binding sets SST_Secret_value_<NAME> to a placeholder and grants ssm:GetParameters on two parameters.
import type { SsmParameterReader } from "./ssm-parameters.js";

const FETCH_FROM_SSM = "__FETCH_FROM_SSM__";

/** The SSM parameters SST keeps a secret in: the stage's own value, then the app-wide fallback (`sst secrets set --fallback`). */
export function sstSecretParameters(name: string, env: Record<string, string | undefined>): { stage: string; fallback: string } {
  return {
    stage: `${env.SST_SSM_PREFIX ?? `/sst/${env.SST_APP}/${env.SST_STAGE}/`}Secret/${name}/value`,
    fallback: `/sst/${env.SST_APP}/.fallback/Secret/${name}/value`,
  };
}

/** The secret's value; throws (nothing cached) when it is not bound, not set, or SSM fails, so the caller can try again. */
export async function readSstSecret(name: string, env: Record<string, string | undefined>, ssm: SsmParameterReader): Promise<string> {
  const bound = env[`SST_Secret_value_${name}`];
  if (!bound)
    throw new Error(`Fleetplane configuration is invalid:\n  SST_Secret_value_${name}: the secret ${name} is not bound to this function`);
  if (bound !== FETCH_FROM_SSM) return bound;
  const { stage, fallback } = sstSecretParameters(name, env);
  const parameters = await ssm.getParameters([stage, fallback], true);
  const value = parameters.find((p) => p.Name === stage)?.Value ?? parameters.find((p) => p.Name === fallback)?.Value;
  if (!value) throw new Error(`The secret ${name} is not set in the "${env.SST_STAGE}" stage: npx sst secrets set ${name} <value>`);
  return value;
}
