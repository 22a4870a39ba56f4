// The error envelope, body limits, unknown routes and security headers on every response.
import { afterAll, beforeAll, expect, test } from "vitest";
import { FLEET, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet.close());

test("malformed JSON is 400 in the error envelope", async () => {
  const res = await fleet.request("POST", `${FLEET}/servers`, { rawBody: "{not json" });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: "bad_request" });
});

test("unknown routes are 404 JSON", async () => {
  const res = await fleet.request("GET", `${FLEET}/no-such-thing`);
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe("not_found");
});

test("query validation errors name the parameter", async () => {
  const res = await fleet.request("GET", `${FLEET}/servers?limit=501`);
  expect(res.status).toBe(400);
  expect(res.body.error.details[0].path).toBe("limit");
  expect((await fleet.request("GET", `${FLEET}/servers?status=sleeping`)).status).toBe(400);
  expect((await fleet.request("GET", `${FLEET}/servers?cursor=garbage`)).status).toBe(400);
});

test("every response carries nosniff, frame denial and no-store, errors included", async () => {
  for (const res of [
    await fleet.request("GET", `${FLEET}/servers`),
    await fleet.request("GET", `${FLEET}/servers`, { key: null }),
    await fleet.request("GET", `${FLEET}/nope`),
  ]) {
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("cache-control")).toBe("no-store");
  }
});

test("the OpenAPI document describes the fleet endpoints from the same schemas", async () => {
  const res = await fleet.request("GET", "/api/v1/openapi.json", { key: null });
  expect(res.status).toBe(200);
  expect(res.body.openapi).toBe("3.1.0");
  expect(Object.keys(res.body.paths)).toEqual(
    expect.arrayContaining([
      `${FLEET}/servers`,
      `${FLEET}/servers/{id}`,
      `${FLEET}/groups`,
      `${FLEET}/summary`,
      `${FLEET}/api-keys`,
      "/api/v1/organizations",
    ]),
  );
  expect(res.body.components.schemas.ServerCreate.required).toEqual(expect.arrayContaining(["name", "hostname", "api_url", "api_token"]));
  const docs = await fleet.request("GET", "/api/v1/docs", { key: null });
  expect(docs.status).toBe(200);
  expect(String(docs.body)).toContain("Fleetplane API");
  // The page runs under a strict policy that admits only its own script, by hash.
  expect(docs.headers.get("content-security-policy")).toMatch(/script-src 'sha256-[^']+'/);
});

test("a failure inside answers a generic 500 and logs the cause", async () => {
  const { createApi, Table } = await import("@fleetplane/core");
  const { localDynamoClient } = await import("@fleetplane/local");
  // A real table client pointed at a port nothing listens on: the store fails the way an outage would.
  const unreachable = new Table({ client: localDynamoClient("http://127.0.0.1:9"), tableName: "unreachable" });
  const { Telemetry } = await import("@fleetplane/core/observability/telemetry");
  const logged: string[] = [];
  const signals = new Telemetry({ service: "api", stage: "test", logLevel: "ERROR", write: (line) => logged.push(line) });
  const api = createApi({ ...fleet.runtime.ctx, table: unreachable, signals });
  const res = await api.request(`${FLEET}/summary`, { headers: { authorization: `Bearer ${fleet.adminKey}` } });
  expect(res.status).toBe(500);
  expect(await res.json()).toEqual({ error: { code: "internal", message: "internal error" } });
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  // The cause goes to the log, as one JSON line naming the request.
  expect(logged.map((line) => JSON.parse(line))).toContainEqual(
    expect.objectContaining({ level: "ERROR", message: "unhandled error", method: "GET", path: `${FLEET}/summary`, error: expect.any(String) }),
  );
});

test("the console's files are served with a strict content security policy", async () => {
  const res = await fetch(`${fleet.url}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(await res.text()).toContain("Fleetplane");
});

// Last in the file: the server answers 413 before reading the whole body and then closes the connection,
// which a pooled client connection would otherwise carry into the next test.
test("a body over 256 KiB is 413", async () => {
  const res = await fleet.request("POST", `${FLEET}/servers`, { rawBody: JSON.stringify({ name: "x".repeat(300 * 1024) }) });
  expect(res.status).toBe(413);
  expect(res.body.error.code).toBe("payload_too_large");
});

test("after a 413 a keep-alive client's next requests succeed: the 413 says the connection closes", async () => {
  const { Agent, request } = await import("node:http");
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (body?: string) =>
    new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = request(
        `${fleet.url}${FLEET}/servers`,
        {
          method: body === undefined ? "GET" : "POST",
          agent,
          headers: { authorization: `Bearer ${fleet.adminKey}`, "content-type": "application/json" },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  try {
    const tooLarge = await send(JSON.stringify({ name: "x".repeat(300 * 1024) }));
    expect(tooLarge).toEqual({ status: 413, connection: "close" });
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
  } finally {
    agent.destroy();
  }
});
