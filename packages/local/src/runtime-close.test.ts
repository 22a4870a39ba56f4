// Closing the local runtime lets a request that is being answered finish, and takes no new connection meanwhile.
import { request as httpRequest } from "node:http";
import { randomBytes } from "node:crypto";
import { expect, test } from "vitest";
import { startLocalFleetplane } from "./runtime.js";

test("close() answers a request already under way in full and refuses new connections meanwhile", async () => {
  const adminKey = `test-admin-${randomBytes(16).toString("hex")}`;
  const runtime = await startLocalFleetplane({ inMemory: true, port: 0, adminKey, probeSchedule: false });
  const { port } = new URL(runtime.url);
  const body = JSON.stringify({ name: "web-close-1", hostname: "web-close-1.example.com", api_url: "https://web-close-1.example.com:8443", api_token: "agent-token-web-close-1" });

  // The request's headers arrive, so the API is already answering it; its body is still on the way.
  let answered!: (value: { status: number; text: string }) => void;
  const response = new Promise<{ status: number; text: string }>((resolve) => (answered = resolve));
  const registration = httpRequest(
    {
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/api/v1/fleet/servers",
      headers: {
        authorization: `Bearer ${adminKey}`,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        // The server's "100 Continue" says it has the headers and is answering.
        expect: "100-continue",
      },
    },
    (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => answered({ status: res.statusCode ?? 0, text }));
    },
  );
  registration.flushHeaders();
  await new Promise((resolve) => registration.once("continue", resolve));
  registration.write(body.slice(0, 10));

  let closed = false;
  const closing = runtime.close().then(() => (closed = true));
  await expect(fetch(`${runtime.url}/api/v1/fleet/summary`)).rejects.toThrow();
  expect(closed).toBe(false);

  registration.end(body.slice(10));
  const { status, text } = await response;
  expect(`${status} ${text}`).toMatch(/^201 /);
  expect(JSON.parse(text)).toMatchObject({ name: "web-close-1" });
  await closing;
  expect(closed).toBe(true);
});
