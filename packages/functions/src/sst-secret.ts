// Reads an SST v2 `Config.Secret` bound to this function as `sst/node/config` would, with only the SSM client:
// the binding sets SST_Secret_value_<NAME> to a placeholder and grants ssm:GetParameters on two parameters.
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";

const FETCH_FROM_SSM = "__FETCH_FROM_SSM__";

/** The SSM parameters SST keeps a secret in: the stage's own value, then the app-wide fallback (`sst secrets set --fallback`). */
export function sstSecretParameters(name: string, env: Record<string, string | undefined>): { stage: string; fallback: string } {
  return {
    stage: `${env.SST_SSM_PREFIX ?? `/sst/${env.SST_APP}/${env.SST_STAGE}/`}Secret/${name}/value`,
    fallback: `/sst/${env.SST_APP}/.fallback/Secret/${name}/value`,
  };
}

/** The secret's value; throws (nothing cached) when it is not bound, not set, or SSM fails, so the caller can try again. */
export async function readSstSecret(name: string, env: Record<string, string | undefined>, ssm: SSMClient): Promise<string> {
  const bound = env[`SST_Secret_value_${name}`];
  if (!bound)
    throw new Error(`Fleetplane configuration is invalid:\n  SST_Secret_value_${name}: the secret ${name} is not bound to this function`);
  if (bound !== FETCH_FROM_SSM) return bound;
  const { stage, fallback } = sstSecretParameters(name, env);
  const out = await ssm.send(new GetParametersCommand({ Names: [stage, fallback], WithDecryption: true }));
  const value =
    (out.Parameters ?? []).find((p) => p.Name === stage)?.Value ?? (out.Parameters ?? []).find((p) => p.Name === fallback)?.Value;
  if (!value) throw new Error(`The secret ${name} is not set in the "${env.SST_STAGE}" stage: npx sst secrets set ${name} <value>`);
  return value;
}
