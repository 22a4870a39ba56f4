// Outbound HTTP against real local servers: in production mode the host is resolved once and the connection goes to
// the checked address only (a later, rebound DNS answer is never connected to), Host and SNI keep the URL's name,
// redirects are returned rather than followed, and time and size are bounded.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { OutboundFailure, OutboundHttp, type OutboundRequest } from "./outbound-http.js";
import type { HostResolver } from "./routable-address.js";

/** Every TCP connection attempt this process makes, as "address:port" (a socket may try several addresses). */
const attempts: string[] = [];
const onSocket = (message: unknown) => {
  (message as { socket: Socket }).socket.on("connectionAttempt", (address: string, port: number) => attempts.push(`${address}:${port}`));
};
subscribe("net.client.socket", onSocket);

interface LocalServer {
  port: number;
  requests: IncomingMessage[];
  close(): Promise<void>;
}

async function listen(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<LocalServer> {
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let agent: LocalServer;
beforeAll(async () => {
  // Connection: close, so that every request needs a new connection, and so a new lookup.
  agent = await listen((_req, res) =>
    res.writeHead(200, { "content-type": "application/json", connection: "close" }).end('{"status":"healthy"}'),
  );
});
afterEach(() => {
  agent.requests.length = 0;
  attempts.length = 0;
});
afterAll(async () => {
  unsubscribe("net.client.socket", onSocket);
  await agent.close();
});

const get: OutboundRequest = { method: "GET", headers: { accept: "application/json" }, timeoutMs: 2_000, maxResponseBytes: 1024 };

/** Answers from a script, one per call (the last one repeats), and counts the calls. */
function scripted(...answers: string[][]): HostResolver & { calls: number } {
  const resolver = Object.assign(
    async () => {
      const answer = answers[Math.min(resolver.calls, answers.length - 1)]!;
      resolver.calls += 1;
      return answer;
    },
    { calls: 0 },
  );
  return resolver;
}

async function failure(sending: Promise<unknown>): Promise<OutboundFailure> {
  const error = await sending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OutboundFailure);
  return error as OutboundFailure;
}

const toAgent = () => attempts.filter((a) => a.endsWith(`:${agent.port}`));

describe("production mode", () => {
  test("a rebinding name (public first, loopback second) is connected to the first answer only; the loopback server sees nothing", async () => {
    const resolver = scripted(["93.184.216.34"], ["127.0.0.1"]);
    const outbound = new OutboundHttp({ refuseNonRoutable: true, resolver });
    const url = `http://agent.example.test:${agent.port}/health`;

    // The first answer passes the check and is the only address tried (unreachable from here, or refused by it).
    await failure(outbound.send(url, { ...get, timeoutMs: 500 }));
    expect(resolver.calls).toBe(1);
    expect(toAgent()).toEqual([`93.184.216.34:${agent.port}`]);

    // The next connection resolves again, gets loopback, and is refused before any connection attempt.
    const refused = await failure(outbound.send(url, get));
    expect(refused.kind).toBe("forbidden_address");
    expect(refused.message).toBe("agent.example.test resolves to 127.0.0.1, a loopback, link-local, metadata or non-routable address");
    expect(resolver.calls).toBe(2);
    expect(toAgent()).toEqual([`93.184.216.34:${agent.port}`]);
    expect(agent.requests).toHaveLength(0);
    outbound.close();
  });

  test("the connection goes to the checked address: with 127.0.0.1 allowed, a second answer of 169.254.169.254 is refused, not connected", async () => {
    const resolver = scripted(["127.0.0.1"], ["169.254.169.254"]);
    // Only here is loopback treated as routable, to have a server the checked answer really reaches.
    const outbound = new OutboundHttp({ refuseNonRoutable: true, resolver, refuses: (address) => address !== "127.0.0.1" });
    const url = `http://agent.example.test:${agent.port}/health`;

    const answer = await outbound.send(url, get);
    expect(answer.status).toBe(200);
    expect(agent.requests.map((r) => r.headers.host)).toEqual([`agent.example.test:${agent.port}`]);

    const refused = await failure(outbound.send(url, get));
    expect(refused).toMatchObject({ kind: "forbidden_address", message: expect.stringMatching(/resolves to 169\.254\.169\.254/) });
    expect(resolver.calls).toBe(2);
    expect(toAgent()).toEqual([`127.0.0.1:${agent.port}`]);
    expect(agent.requests).toHaveLength(1);
    outbound.close();
  });

  test.each([
    ["loopback", "127.0.0.1"],
    ["loopback IPv6", "::1"],
    ["instance metadata", "169.254.169.254"],
    ["instance metadata over IPv6", "fd00:ec2::254"],
    ["link-local IPv6", "fe80::1"],
    ["unspecified", "0.0.0.0"],
    ["unspecified IPv6", "::"],
    ["multicast", "224.0.0.251"],
    ["broadcast", "255.255.255.255"],
    ["IPv4-mapped metadata", "::ffff:169.254.169.254"],
    ["IPv4-mapped loopback, hex", "::ffff:7f00:1"],
    ["NAT64 metadata", "64:ff9b::a9fe:a9fe"],
    ["6to4 loopback", "2002:7f00:1::"],
    ["Alibaba Cloud metadata", "100.100.100.200"],
  ])("a name resolving to %s (%s) is refused before any connection attempt", async (_what, address) => {
    const resolver = scripted([address]);
    const outbound = new OutboundHttp({ refuseNonRoutable: true, resolver });
    const refused = await failure(outbound.send(`http://agent.example.test:${agent.port}/health`, get));
    expect(refused.kind).toBe("forbidden_address");
    expect(refused.message).toContain(`resolves to ${address},`);
    expect(toAgent()).toEqual([]);
    expect(agent.requests).toHaveLength(0);
    outbound.close();
  });

  test("one forbidden address among public ones refuses the host: every address is checked", async () => {
    const outbound = new OutboundHttp({ refuseNonRoutable: true, resolver: scripted(["93.184.216.34", "2606:2800:220:1::1", "::1"]) });
    expect((await failure(outbound.send(`http://agent.example.test:${agent.port}/`, get))).kind).toBe("forbidden_address");
    expect(toAgent()).toEqual([]);
    outbound.close();
  });

  test.each([
    "http://127.0.0.1:PORT/",
    "http://[::ffff:127.0.0.1]:PORT/",
    "http://[::ffff:7f00:1]:PORT/",
    "http://2130706433:PORT/",
    "http://0x7f.0.0.1:PORT/",
    "http://localhost:PORT/",
    "http://localhost.:PORT/",
  ])("%s is refused by its text, without resolving", async (template) => {
    const resolver = scripted(["127.0.0.1"]);
    const outbound = new OutboundHttp({ refuseNonRoutable: true, resolver });
    expect((await failure(outbound.send(template.replace("PORT", String(agent.port)), get))).kind).toBe("forbidden_address");
    expect(resolver.calls).toBe(0);
    expect(agent.requests).toHaveLength(0);
    outbound.close();
  });

  test("TLS goes to the checked address but keeps the URL's host name for SNI", async () => {
    const names: string[] = [];
    const tls = createTlsServer({
      SNICallback: (servername, done) => {
        names.push(servername);
        done(new Error("no certificate here"));
      },
    });
    tls.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    const port = (tls.address() as AddressInfo).port;
    const resolver = scripted(["127.0.0.1"]);
    const outbound = new OutboundHttp({ refuseNonRoutable: true, resolver, refuses: (a) => a !== "127.0.0.1" });
    // The handshake fails (the server has no certificate), after the server on 127.0.0.1 read the name the client sent.
    expect((await failure(outbound.send(`https://agent.example.test:${port}/health`, get))).kind).toBe("connection");
    expect(names).toEqual(["agent.example.test"]);
    expect(resolver.calls).toBe(1);
    outbound.close();
    await new Promise<void>((resolve) => tls.close(() => resolve()));
  });
});

describe("any mode", () => {
  test("development mode connects to 127.0.0.1", async () => {
    const outbound = new OutboundHttp();
    const answer = await outbound.send(`http://127.0.0.1:${agent.port}/health`, get);
    expect(answer).toMatchObject({ status: 200, body: '{"status":"healthy"}' });
    outbound.close();
  });

  test("a redirect is returned as it is and never followed", async () => {
    const redirecting = await listen((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${agent.port}/health` }).end());
    const outbound = new OutboundHttp();
    const answer = await outbound.send(`http://127.0.0.1:${redirecting.port}/`, { ...get, method: "POST", body: "{}" });
    expect(answer.status).toBe(302);
    expect(agent.requests).toHaveLength(0);
    outbound.close();
    await redirecting.close();
  });

  test("a silent server is a timeout, a long answer is too_large, or cut off when only the status is wanted", async () => {
    const silent = await listen(() => undefined);
    const chatty = await listen((_req, res) => res.writeHead(200).end("x".repeat(5_000)));
    const outbound = new OutboundHttp();
    expect(await failure(outbound.send(`http://127.0.0.1:${silent.port}/`, { ...get, timeoutMs: 200 }))).toMatchObject({
      kind: "timeout",
      message: "no answer within 200 ms",
    });
    expect((await failure(outbound.send(`http://127.0.0.1:${chatty.port}/`, get))).kind).toBe("too_large");
    expect(await outbound.send(`http://127.0.0.1:${chatty.port}/`, { ...get, discardBody: true })).toMatchObject({ status: 200, body: "" });
    outbound.close();
    await Promise.all([silent.close(), chatty.close()]);
  });
});
