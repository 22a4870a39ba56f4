// Production mode end to end: agent URLs and webhook URLs whose text names a forbidden address are 400 at
// registration; names that only resolve to one are accepted, and every check, operation and delivery to them is
// recorded as a failure without a single request reaching the server behind that address.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { HostResolver } from "@fleetplane/core";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";

const answers: Record<string, string[]> = {
  "metadata-agent.example.test": ["169.254.169.254"],
  "mapped-agent.example.test": ["::ffff:127.0.0.1"],
  "hooks.example.test": ["93.184.216.34", "127.0.0.1"],
};
const asked: string[] = [];
const resolver: HostResolver = async (hostname) => {
  asked.push(hostname);
  const answer = answers[hostname];
  if (!answer) throw Object.assign(new Error(`unknown ${hostname}`), { code: "ENOTFOUND" });
  return answer;
};

const received: IncomingMessage[] = [];
const local = createServer((req, res) => {
  received.push(req);
  res.writeHead(200, { "content-type": "application/json" }).end('{"status":"healthy","version":"1","components":{}}');
});
let port: number;
let fleet: TestFleet;
beforeAll(async () => {
  await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
  port = (local.address() as AddressInfo).port;
  fleet = await startTestFleet({ mode: "production", resolver });
});
afterAll(async () => {
  await fleet?.close();
  local.closeAllConnections();
  await new Promise<void>((resolve) => local.close(() => resolve()));
});

test("an agent URL naming a forbidden address in any spelling is 400 on api_url and registers nothing", async () => {
  for (const api_url of [
    "https://[::ffff:169.254.169.254]/",
    "https://[64:ff9b::169.254.169.254]/",
    "https://[::ffff:7f00:1]:9100/",
    "https://instance-data.ec2.internal./",
    "https://localhost./",
    "https://2130706433/",
  ]) {
    const res = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ api_url }) });
    expect(res.status, api_url).toBe(400);
    expect(res.body.error.details).toEqual([{ path: "api_url", message: expect.stringMatching(/non-routable/) }]);
  }
  expect((await fleet.request("GET", `${FLEET}/servers`)).body.items).toEqual([]);
});

const guarded: string[] = [];

test("a check of an agent whose name resolves to metadata or mapped loopback records an unreachable forbidden_address failure", async () => {
  for (const host of ["metadata-agent.example.test", "mapped-agent.example.test"]) {
    const created = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ api_url: `https://${host}:${port}` }) });
    expect(created.status).toBe(201);
    guarded.push(created.body.id);
    const check = await fleet.request("POST", `${FLEET}/servers/${created.body.id}/check`);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({
      status: "unreachable",
      error_message: expect.stringMatching(new RegExp(`^refused: ${host.replace(/\./g, "\\.")} resolves to .*non-routable address$`)),
      error_details: { kind: "forbidden_address" },
    });
  }
  expect(asked).toContain("metadata-agent.example.test");
  expect(received).toHaveLength(0);
});

test("a bulk operation on those agents fails each server at once, without retries, and sends nothing", async () => {
  const started = await fleet.request("POST", `${FLEET}/operations`, {
    body: { operation_type: "restart_services", server_ids: guarded, parameters: { services: ["app.service"] } },
  });
  expect(started.status).toBe(202);
  await expect
    .poll(async () => (await fleet.request("GET", `${FLEET}/operations/${started.body.id}`)).body.status, { timeout: 20_000 })
    .toBe("failed");
  const servers = await fleet.request("GET", `${FLEET}/operations/${started.body.id}/servers`);
  expect(servers.body.items).toHaveLength(2);
  for (const item of servers.body.items) {
    expect(item).toMatchObject({ status: "failed", attempts: 1, error: expect.stringMatching(/^refused: .* resolves to /) });
  }
  expect(received).toHaveLength(0);
});

test("a webhook whose receiver resolves to a public and a loopback address records each delivery as refused and sends nothing", async () => {
  const created = await fleet.request("POST", `${FLEET}/webhooks`, { body: { url: `https://hooks.example.test:${port}/fleet` } });
  expect(created.status).toBe(201);
  const sent = await fleet.request("POST", `${FLEET}/webhooks/${created.body.id}/test`);
  expect(sent.body).toMatchObject({
    status: "pending",
    status_code: null,
    attempts: 1,
    error: expect.stringMatching(/^refused: hooks\.example\.test resolves to 127\.0\.0\.1/),
  });
  expect(received).toHaveLength(0);
});
