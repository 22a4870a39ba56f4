// The SST secret loader reads the parameters SST's Config.Secret binding grants, preferring the stage's value.
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, expect, test } from "vitest";
import { readSstSecret, sstSecretParameters } from "./sst-secret.js";

const ENV = {
  SST_APP: "fleetplane",
  SST_STAGE: "prod",
  SST_SSM_PREFIX: "/sst/fleetplane/prod/",
  SST_Secret_value_FLEETPLANE_ADMIN_API_KEY: "__FETCH_FROM_SSM__",
};
const STAGE = "/sst/fleetplane/prod/Secret/FLEETPLANE_ADMIN_API_KEY/value";
const FALLBACK = "/sst/fleetplane/.fallback/Secret/FLEETPLANE_ADMIN_API_KEY/value";

const ssm = mockClient(SSMClient as never);
afterEach(() => ssm.reset());

function parameters(values: Record<string, string>): void {
  ssm.on(GetParametersCommand as never).callsFake((input: { Names: string[] }) => ({
    Parameters: input.Names.filter((n) => n in values).map((n) => ({ Name: n, Value: values[n] })),
    InvalidParameters: input.Names.filter((n) => !(n in values)),
  }));
}

test("names the stage's parameter and SST's app-wide fallback", () => {
  expect(sstSecretParameters("FLEETPLANE_ADMIN_API_KEY", ENV)).toEqual({ stage: STAGE, fallback: FALLBACK });
});

test("reads the stage's value, decrypted, in one call, ahead of the fallback", async () => {
  parameters({ [STAGE]: "stage-key", [FALLBACK]: "fallback-key" });
  expect(await readSstSecret("FLEETPLANE_ADMIN_API_KEY", ENV, new SSMClient({ region: "us-east-1" }))).toBe("stage-key");
  expect(ssm.calls()).toHaveLength(1);
  expect(ssm.call(0).args[0].input).toEqual({ Names: [STAGE, FALLBACK], WithDecryption: true });
});

test("falls back to the app-wide value when the stage has none", async () => {
  parameters({ [FALLBACK]: "fallback-key" });
  expect(await readSstSecret("FLEETPLANE_ADMIN_API_KEY", ENV, new SSMClient({ region: "us-east-1" }))).toBe("fallback-key");
});

test("a secret set nowhere fails with the command that sets it", async () => {
  parameters({});
  await expect(readSstSecret("FLEETPLANE_ADMIN_API_KEY", ENV, new SSMClient({ region: "us-east-1" }))).rejects.toThrow(
    /not set in the "prod" stage: npx sst secrets set FLEETPLANE_ADMIN_API_KEY/,
  );
});

test("a secret not bound to the function is a configuration error, and SSM is not asked", async () => {
  await expect(
    readSstSecret("FLEETPLANE_ADMIN_API_KEY", { SST_APP: "fleetplane" }, new SSMClient({ region: "us-east-1" })),
  ).rejects.toThrow(/configuration is invalid/);
  expect(ssm.calls()).toHaveLength(0);
});
