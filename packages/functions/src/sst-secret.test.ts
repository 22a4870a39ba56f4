// The SST secret loader reads the parameters SST's Config.Secret binding grants, preferring the stage's value, with
// one signed GetParameters call on the wire: SSM (no local emulator) is aws-sdk-client-mock behind a real endpoint.
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { startAwsEndpoint, type AwsEndpoint } from "../../../test/handlers/aws-endpoint.js";
import { SignedSsmParameterReader } from "./ssm-parameters.js";
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
let endpoint: AwsEndpoint;
let reader: SignedSsmParameterReader;
beforeAll(async () => {
  endpoint = await startAwsEndpoint();
  reader = new SignedSsmParameterReader({
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    ...endpoint.environment,
  });
});
afterAll(() => endpoint.close());
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
  expect(await readSstSecret("FLEETPLANE_ADMIN_API_KEY", ENV, reader)).toBe("stage-key");
  expect(ssm.calls()).toHaveLength(1);
  expect(ssm.call(0).args[0].input).toEqual({ Names: [STAGE, FALLBACK], WithDecryption: true });
});

test("falls back to the app-wide value when the stage has none", async () => {
  parameters({ [FALLBACK]: "fallback-key" });
  expect(await readSstSecret("FLEETPLANE_ADMIN_API_KEY", ENV, reader)).toBe("fallback-key");
});

test("a secret set nowhere fails with the command that sets it", async () => {
  parameters({});
  await expect(readSstSecret("FLEETPLANE_ADMIN_API_KEY", ENV, reader)).rejects.toThrow(
    /not set in the "prod" stage: npx sst secrets set FLEETPLANE_ADMIN_API_KEY/,
  );
});

test("a secret not bound to the function is a configuration error, and SSM is not asked", async () => {
  await expect(readSstSecret("FLEETPLANE_ADMIN_API_KEY", { SST_APP: "fleetplane" }, reader)).rejects.toThrow(/configuration is invalid/);
  expect(ssm.calls()).toHaveLength(0);
});

test("a denied read fails at once with AWS's error code; a throttle is retried", async () => {
  ssm
    .on(GetParametersCommand as never)
    .rejects(Object.assign(new Error("not allowed"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } }));
  await expect(reader.getParameters([STAGE], true)).rejects.toMatchObject({ name: "AccessDeniedException", message: "not allowed" });
  expect(ssm.calls()).toHaveLength(1);

  ssm.reset();
  ssm
    .on(GetParametersCommand as never)
    .rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } }))
    .resolves({ Parameters: [{ Name: STAGE, Value: "stage-key" }] } as never);
  expect(await reader.getParameters([STAGE], true)).toEqual([{ Name: STAGE, Value: "stage-key" }]);
  expect(ssm.calls()).toHaveLength(2);
});
