// Agent tokens under KMS: one data key per organization (KMS called with an encryption context every time),
// ciphertexts bound to their organization and server, older per-token ciphertexts re-encrypted on read.
import { createCipheriv, randomBytes } from "node:crypto";
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { keys, KmsSecrets, Table, type FleetContext } from "@fleetplane/core";
import { ensureTable, localDynamoClient, startLocalDynamo, type LocalDynamo } from "@fleetplane/local";
import { agentTarget } from "../../packages/core/src/agents/agent-target.js";
import { organizationKeyContext } from "../../packages/core/src/secrets/organization-keys.js";
import { KMS_KEY_ID, mockKms, wrapKey } from "../support/kms.js";

let fault: Error | undefined;
const kms = mockKms({ fault: () => [fault, (fault = undefined)][0] });
let dynamo: LocalDynamo;
let table: Table;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  const client = localDynamoClient(dynamo.endpoint);
  await ensureTable(client, "secrets");
  table = new Table({ client, tableName: "secrets" });
});
afterAll(() => dynamo.close());
afterEach(() => kms.resetHistory());

const container = (options: { now?: () => number } = {}) => new KmsSecrets(KMS_KEY_ID, table, new KMSClient({}), options);
const bound = (organization_id: string, server_id: string) => ({ organization_id, server_id });

function expectEveryCallHasItsOrganizationContext(organizations: string[]) {
  for (const call of kms.calls()) {
    const context = (call.args[0].input as { EncryptionContext?: Record<string, string> }).EncryptionContext;
    expect(context).toBeDefined();
    expect(organizations).toContain(context!["fleetplane:organization_id"]);
  }
}

test("one data key per organization: 200 tokens of two organizations cost two GenerateDataKey calls and no Decrypt", async () => {
  const api = container();
  const sealed = await Promise.all(
    Array.from({ length: 200 }, (_, i) => api.encrypt(`token-${i}`, bound(i % 2 ? "org-a" : "org-b", `server-${i}`))),
  );
  expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
  expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
  expectEveryCallHasItsOrganizationContext(["org-a", "org-b"]);
  expect(await api.decrypt(sealed[7]!, bound("org-a", "server-7"))).toBe("token-7");
  expect(sealed.every((c) => c.startsWith("kms2:1:") && !api.outdated(c))).toBe(true);
});

test("a worker container unwraps an organization's key once for all its tokens, and again only after the cache period", async () => {
  const api = container();
  const sealed = await Promise.all(Array.from({ length: 500 }, (_, i) => api.encrypt(`t${i}`, bound("org-c", `s${i}`))));
  kms.resetHistory();
  let now = Date.now();
  const worker = container({ now: () => now });
  const opened = await Promise.all(sealed.map((c, i) => worker.decrypt(c, bound("org-c", `s${i}`))));
  expect(opened[499]).toBe("t499");
  expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
  expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input.EncryptionContext).toEqual(organizationKeyContext("org-c"));
  await worker.decrypt(sealed[1]!, bound("org-c", "s1"));
  expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
  now += 6 * 3_600_000 + 1;
  await worker.decrypt(sealed[1]!, bound("org-c", "s1"));
  expect(kms.commandCalls(DecryptCommand)).toHaveLength(2);
  expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(0);
  expectEveryCallHasItsOrganizationContext(["org-c"]);
});

test("a ciphertext opens only for its own organization and server", async () => {
  const secrets = container();
  const sealed = await secrets.encrypt("secret", bound("org-d", "s1"));
  await expect(secrets.decrypt(sealed, bound("org-d", "s2"))).rejects.toThrow();
  await secrets.encrypt("other", bound("org-e", "s1"));
  await expect(secrets.decrypt(sealed, bound("org-e", "s1"))).rejects.toThrow();
  expect(await secrets.decrypt(sealed, bound("org-d", "s1"))).toBe("secret");
});

test("containers creating an organization's first key at once agree on the one stored", async () => {
  const [a, b] = [container(), container()];
  const [x, y] = await Promise.all([a.encrypt("x", bound("org-f", "s1")), b.encrypt("y", bound("org-f", "s2"))]);
  const reader = container();
  expect(await reader.decrypt(x, bound("org-f", "s1"))).toBe("x");
  expect(await reader.decrypt(y, bound("org-f", "s2"))).toBe("y");
  expectEveryCallHasItsOrganizationContext(["org-f"]);
});

test("a failed KMS call is not remembered: the next decrypt calls KMS again and succeeds", async () => {
  const sealed = await container().encrypt("t", bound("org-g", "s1"));
  const worker = container();
  fault = Object.assign(new Error("throttled"), { name: "ThrottlingException" });
  await expect(worker.decrypt(sealed, bound("org-g", "s1"))).rejects.toThrow("throttled");
  expect(await worker.decrypt(sealed, bound("org-g", "s1"))).toBe("t");
  expect(kms.commandCalls(DecryptCommand)).toHaveLength(2);
});

test("a token sealed under its own data key (kms1) still opens, and reading it for a probe re-encrypts it bound (kms2)", async () => {
  const dataKey = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", dataKey, iv);
  const body = Buffer.concat([cipher.update("legacy-token", "utf8"), cipher.final()]);
  const sealed = ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
  const legacy = `kms1:${wrapKey(dataKey).toString("base64")}:${sealed}`;
  const server = {
    ...keys.server("org-h", "s1"),
    entity: "server",
    organization_id: "org-h",
    id: "s1",
    api_url: "https://a",
    api_token_enc: legacy,
  };
  await table.put({ Item: server });
  const ctx = { table, secrets: container() } as unknown as FleetContext;
  expect(ctx.secrets.outdated(legacy)).toBe(true);
  expect((await agentTarget(ctx, server)).token).toBe("legacy-token");
  const stored = await table.get<{ api_token_enc: string }>(keys.server("org-h", "s1"), { consistent: true });
  expect(stored!.api_token_enc.startsWith("kms2:1:")).toBe(true);
  expect(await container().decrypt(stored!.api_token_enc, bound("org-h", "s1"))).toBe("legacy-token");
  // Only the legacy unwrap goes without an encryption context (its key was wrapped without one).
  const withoutContext = kms.commandCalls(DecryptCommand).filter((c) => !c.args[0].input.EncryptionContext);
  expect(withoutContext).toHaveLength(1);
});
