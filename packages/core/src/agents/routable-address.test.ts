// The connect-time guard: addresses in every spelling, and host names whose DNS answer is non-routable.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { HttpAgentClient } from "./http-agent-client.js";
import { isNonRoutable, unreachableReason, type HostResolver } from "./routable-address.js";

test.each([
  "127.0.0.1",
  "169.254.169.254",
  "0.0.0.0",
  "100.100.100.200",
  "224.0.0.1",
  "255.255.255.255",
  "::1",
  "::",
  "fe80::1",
  "fd00:ec2::254",
  "::ffff:169.254.169.254",
  "::ffff:7f00:1",
  "64:ff9b::169.254.169.254",
  "64:ff9b::a9fe:a9fe",
  "2002:7f00:1::",
  "[::ffff:127.0.0.1]",
])("%s is refused", (address) => {
  expect(isNonRoutable(address)).toBe(true);
});

test.each(["10.0.0.5", "172.16.3.4", "192.168.1.10", "93.184.216.34", "2606:2800:220:1::1", "fd12:3456::1", "::ffff:93.184.216.34", "64:ff9b::5db8:d822"])(
  "%s may be reached",
  (address) => {
    expect(isNonRoutable(address)).toBe(false);
  },
);

const answering =
  (addresses: string[]): HostResolver =>
  async () =>
    addresses;

test("a name that resolves to a metadata, loopback, mapped or NAT64 address is refused, trailing dot or not", async () => {
  expect(await unreachableReason("169.254.169.254.nip.io", answering(["169.254.169.254"]))).toMatch(/resolves to 169.254.169.254/);
  expect(await unreachableReason("agent.example.com.", answering(["93.184.216.34", "::1"]))).toMatch(/resolves to ::1/);
  expect(await unreachableReason("agent.example.com", answering(["::ffff:127.0.0.1"]))).toMatch(/resolves/);
  expect(await unreachableReason("agent.example.com", answering(["64:ff9b::a9fe:a9fe"]))).toMatch(/resolves/);
  expect(await unreachableReason("instance-data.ec2.internal.", answering(["10.0.0.1"]))).toMatch(/metadata host name/);
  expect(await unreachableReason("agent.example.com", answering(["10.0.0.7"]))).toBeUndefined();
});

let agentUrl: string;
let calls = 0;
const agent = createServer((_req, res) => {
  calls += 1;
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "healthy", version: "1" }));
});
beforeAll(async () => {
  await new Promise<void>((resolve) => agent.listen(0, "127.0.0.1", resolve));
  agentUrl = `http://agent.example.test:${(agent.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => agent.close(() => resolve())));

test("in production mode the agent client refuses to connect when the agent's name resolves to loopback", async () => {
  const client = new HttpAgentClient({ refuseNonRoutable: true, resolver: answering(["127.0.0.1"]) });
  const result = await client.health({ api_url: agentUrl, token: "t" } as never);
  expect(result.ok).toBe(false);
  expect(!result.ok && result.error.message).toMatch(/^refused: agent.example.test resolves to 127.0.0.1/);
  const literal = await client.health({ api_url: `http://[::ffff:127.0.0.1]:${new URL(agentUrl).port}`, token: "t" } as never);
  expect(literal.ok).toBe(false);
  expect(calls).toBe(0);
});
