// The agent client's handling of the production-mode guard and of redirects, against a real agent stand-in on 127.0.0.1.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { OutboundHttp } from "../egress/outbound-http.js";
import { isTransient } from "../operations/kinds/agent-call.js";
import { HttpAgentClient } from "./http-agent-client.js";

let port: number;
let calls = 0;
const agent = createServer((req, res) => {
  calls += 1;
  if (req.url === "/moved/health") return void res.writeHead(301, { location: `http://127.0.0.1:${port}/health` }).end();
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "healthy", version: "1" }));
});
beforeAll(async () => {
  await new Promise<void>((resolve) => agent.listen(0, "127.0.0.1", resolve));
  port = (agent.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => agent.close(() => resolve())));

test("in production mode a call to an agent whose name resolves to loopback fails as refused, once, with nothing sent", async () => {
  let lookups = 0;
  const outbound = new OutboundHttp({
    refuseNonRoutable: true,
    resolver: async () => {
      lookups += 1;
      return ["127.0.0.1"];
    },
  });
  const client = new HttpAgentClient({ outbound, connectionRetries: 3 });
  const result = await client.health({ api_url: `http://agent.example.test:${port}`, token: "t" });
  expect(result).toMatchObject({
    ok: false,
    error: {
      kind: "forbidden_address",
      message: "refused: agent.example.test resolves to 127.0.0.1, a loopback, link-local, metadata or non-routable address",
    },
  });
  expect(lookups).toBe(1);
  const literal = await client.runOperation(
    { api_url: `http://[::ffff:127.0.0.1]:${port}`, token: "t" },
    { operation_type: "run_health_check", parameters: {}, idempotency_key: "k", timeout_seconds: 5 },
  );
  expect(literal).toMatchObject({ ok: false, error: { kind: "forbidden_address" } });
  // A refusal is final for a bulk operation's server: retrying would only ask DNS again.
  expect(!literal.ok && isTransient(literal.error)).toBe(false);
  expect(calls).toBe(0);
  outbound.close();
});

test("an agent answering with a redirect fails as an HTTP error; the redirect is not followed", async () => {
  const client = new HttpAgentClient();
  const result = await client.health({ api_url: `http://127.0.0.1:${port}/moved`, token: "t" });
  expect(result).toMatchObject({
    ok: false,
    error: { kind: "http", status: 301, message: "agent answered 301 (redirects are not followed)" },
  });
  expect(calls).toBe(1);
});
