// Input an attacker would send: each case is a 4xx in the error envelope, stores nothing, and the process lives on.
import { afterAll, beforeAll, expect, test } from "vitest";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
let groupId: string;
beforeAll(async () => {
  fleet = await startTestFleet();
  const group = await fleet.request("POST", `${FLEET}/groups`, { body: { name: "hostile-input" } });
  groupId = group.body.id;
});
afterAll(() => fleet.close());

const nested = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;
/** A registration body whose metadata holds `raw` (JSON text), so shapes JSON.stringify cannot build are sent verbatim. */
const withMetadata = (raw: string) => JSON.stringify({ ...serverBody(), metadata: { placeholder: 0 } }).replace('{"placeholder":0}', raw);

async function snapshot() {
  const [summary, list] = await Promise.all([fleet.request("GET", `${FLEET}/summary`), fleet.request("GET", `${FLEET}/servers?limit=500`)]);
  return { total: summary.body.total_servers, ids: list.body.items.map((s: { id: string }) => s.id).sort() };
}

test.each([
  ["metadata nested 40 deep (DynamoDB refuses more than 32)", withMetadata(`{"a":${nested(40)}}`)],
  ["metadata nested 3,000 deep", withMetadata(`{"a":${nested(3_000)}}`)],
  ["an array nested 100,000 deep", withMetadata(`{"a":${nested(100_000)}}`)],
  ["a constructor key in metadata", withMetadata(`{"constructor":1}`)],
  ["a top-level __proto__ key in metadata", withMetadata(`{"__proto__":{"x":1}}`)],
  ["a nested __proto__ key in metadata", withMetadata(`{"a":{"__proto__":1}}`)],
  ["a number that parses to Infinity", withMetadata(`{"a":1e999}`)],
  ["a number below DynamoDB's smallest magnitude", withMetadata(`{"a":1e-200}`)],
  ["a lone surrogate in region", JSON.stringify(serverBody({ region: "\ud800" }))],
  ["a lone surrogate in environment", JSON.stringify(serverBody({ environment: "x\udfffy" }))],
  ["a lone surrogate in a metadata key", withMetadata(`{"\\ud800":1}`)],
])("registering with %s is 400 and stores nothing", async (_, rawBody) => {
  const before = await snapshot();
  const res = await fleet.request("POST", `${FLEET}/servers`, { rawBody });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe("validation_failed");
  expect(await snapshot()).toEqual(before);
});

test("update_config's config nested 3,000 deep is 400", async () => {
  const raw = `{"operation_type":"update_config","server_ids":["x"],"parameters":{"config":{"a":${nested(3_000)}}}}`;
  const res = await fleet.request("POST", `${FLEET}/operations`, { rawBody: raw });
  expect(res.status).toBe(400);
});

test.each([
  ["DELETE", () => `/groups/${groupId}/servers/${"x".repeat(2_000)}`, undefined],
  ["GET", () => `/health-check/all/${"x".repeat(2_000)}`, undefined],
  ["GET", () => `/servers/${"x".repeat(2_000)}`, undefined],
  ["GET", () => `/operations/${"x".repeat(2_000)}/servers`, undefined],
  ["DELETE", () => "/groups/members", { server_id: "x".repeat(2_000), group_id: "y".repeat(2_000) }],
  ["POST", () => `/groups/${groupId}/servers`, { server_ids: ["x".repeat(2_000)] }],
])("an over-long id in %s %s is a 4xx whose message does not echo it", async (method, path, body) => {
  const res = await fleet.request(method, `${FLEET}${path()}`, { body });
  expect([400, 404]).toContain(res.status);
  expect(JSON.stringify(res.body).length).toBeLessThan(1_000);
});

test("an organization name with NUL or a bidi override is 400", async () => {
  for (const name of ["a\u0000b", "invoice\u202Egnp.exe", "tab\tname"]) {
    const res = await fleet.request("POST", "/api/v1/organizations", { body: { name } });
    expect(res.status).toBe(400);
  }
});

test("a body that is not JSON is 415 with its own code", async () => {
  const res = await fleet.request("POST", `${FLEET}/servers`, { rawBody: "{}", headers: { "content-type": "text/plain" } });
  expect(res.status).toBe(415);
  expect(res.body.error.code).toBe("unsupported_media_type");
});

test("401 names the Bearer scheme in WWW-Authenticate", async () => {
  const res = await fleet.request("GET", `${FLEET}/servers`, { key: null });
  expect(res.status).toBe(401);
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
});

test("a single-valued query parameter sent twice is a clear 400", async () => {
  const res = await fleet.request("GET", `${FLEET}/servers?limit=1&limit=2`);
  expect(res.status).toBe(400);
  expect(res.body.error.details[0]).toEqual({ path: "limit", message: "limit may be given only once" });
});

test("an operations cursor of another list's shape is 400, not page one", async () => {
  const targetsCursor = Buffer.from(JSON.stringify({ after: 3 })).toString("base64url");
  expect((await fleet.request("GET", `${FLEET}/operations?cursor=${targetsCursor}`)).status).toBe(400);
  const operationsCursor = Buffer.from(JSON.stringify({ after: "01a2" })).toString("base64url");
  const op = await fleet.request("GET", `${FLEET}/operations/${"0".repeat(8)}/servers?cursor=${operationsCursor}`);
  expect([400, 404]).toContain(op.status);
});
