// Signed webhooks through the real API and real HTTP: at-least-once delivery across receiver failures and a
// restart of the local runtime, signatures, event type filters, dead letters and redelivery, and the API's rules.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { verifySignature } from "@fleetplane/core";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";
import { startReceiver, type Receiver } from "./receiver.js";

const fastRetries = { retryBaseMs: 50, retryMaxMs: 200, timeoutMs: 2_000 };
const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const delivered = (receiver: Receiver) => new Set(receiver.received.filter((r) => r.answered === 204).map((r) => r.eventId));

describe("delivery", () => {
  test("a receiver that fails for a while, across a restart, gets every event once it recovers, each signed", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "fleetplane-webhooks-"));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const receiver = await startReceiver();
    cleanup.push(() => receiver.close());
    const options = { inMemory: false, dataDir, webhookPollMs: 50, config: { webhooks: fastRetries } };

    let fleet: TestFleet = await startTestFleet(options);
    const created = await fleet.request("POST", `${FLEET}/webhooks`, {
      body: { url: receiver.url, event_types: ["Server Registered", "Server Updated"], description: "incident tool" },
    });
    expect(created.status).toBe(201);
    const { id, secret } = created.body;
    expect(secret).toMatch(/^whsec_/);

    receiver.failing = true;
    const servers: string[] = [];
    for (let i = 0; i < 4; i++) servers.push((await fleet.request("POST", `${FLEET}/servers`, { body: serverBody() })).body.id);
    await fleet.request("PATCH", `${FLEET}/servers/${servers[0]}`, { body: { description: "patched" } });
    await fleet.request("POST", `${FLEET}/servers/${servers[1]}/token`, { body: { api_token: "rotated-token" } });
    // Every delivery has failed at least once before the restart.
    await expect
      .poll(async () => {
        const page = await fleet.request("GET", `${FLEET}/webhooks/${id}/deliveries?limit=500`);
        return page.body.items.filter((d: any) => d.attempts >= 1 && d.status === "pending").length;
      }, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(5);
    await fleet.close();

    fleet = await startTestFleet(options);
    cleanup.push(() => fleet.close());
    servers.push((await fleet.request("POST", `${FLEET}/servers`, { body: serverBody() })).body.id);
    receiver.failing = false;

    const feed = await fleet.request("GET", `${FLEET}/events?limit=500`);
    const wanted = feed.body.items.filter((e: any) => ["Server Registered", "Server Updated"].includes(e["detail-type"]));
    expect(wanted.length).toBeGreaterThanOrEqual(7);
    await expect.poll(() => wanted.filter((e: any) => !delivered(receiver).has(e.id)).length, { timeout: 30_000 }).toBe(0);

    for (const r of receiver.received) {
      expect(r.contentType).toBe("application/json");
      expect(verifySignature(secret, r.body, r.signature!, nowSeconds())).toBe(true);
      const event = JSON.parse(r.body);
      expect(event.id).toBe(r.eventId);
      expect(event).toMatchObject({ source: "fleetplane", detail: { event_id: r.eventId, organization_id: "default", version: 1 } });
      expect(["Server Registered", "Server Updated"]).toContain(event["detail-type"]);
    }
    await expect
      .poll(async () => {
        const page = await fleet.request("GET", `${FLEET}/webhooks/${id}/deliveries?limit=500`);
        return page.body.items.every((d: any) => d.status === "succeeded" && d.status_code === 204);
      })
      .toBe(true);
  });

  test("a delivery that fails past its retry window is dead-lettered, listed, and redelivered on request", async () => {
    const receiver = await startReceiver();
    cleanup.push(() => receiver.close());
    const fleet = await startTestFleet({ webhookPollMs: 50, config: { webhooks: { ...fastRetries, retryForMs: 1_500 } } });
    cleanup.push(() => fleet.close());
    const hook = (await fleet.request("POST", `${FLEET}/webhooks`, { body: { url: receiver.url, secret: "a-secret-of-sixteen+" } })).body;
    receiver.failing = true;
    await fleet.request("POST", `${FLEET}/servers`, { body: serverBody() });
    let dead: any;
    await expect
      .poll(async () => {
        const page = await fleet.request("GET", `${FLEET}/webhooks/${hook.id}/deliveries`);
        dead = page.body.items.find((d: any) => d.status === "dead_lettered");
        return dead !== undefined;
      }, { timeout: 20_000 })
      .toBe(true);
    expect(dead).toMatchObject({ detail_type: "Server Registered", status_code: 503, error: "HTTP 503", next_attempt_at: null });
    expect(dead.attempts).toBeGreaterThanOrEqual(2);

    receiver.failing = false;
    const retried = await fleet.request("POST", `${FLEET}/webhooks/${hook.id}/deliveries/${dead.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: dead.id, status: "succeeded", status_code: 204 });
    expect(delivered(receiver).has(dead.event_id)).toBe(true);
    expect((await fleet.request("POST", `${FLEET}/webhooks/${hook.id}/deliveries/${"0".repeat(8)}-0000-7000-8000-000000000000/retry`)).status).toBe(404);
  });

  test("the test endpoint sends a signed Webhook Test event; a disabled webhook receives nothing else", async () => {
    const receiver = await startReceiver();
    cleanup.push(() => receiver.close());
    const fleet = await startTestFleet({ webhookPollMs: 50, config: { webhooks: fastRetries } });
    cleanup.push(() => fleet.close());
    const hook = (await fleet.request("POST", `${FLEET}/webhooks`, { body: { url: receiver.url } })).body;
    const test = await fleet.request("POST", `${FLEET}/webhooks/${hook.id}/test`);
    expect(test.body).toMatchObject({ status: "succeeded", detail_type: "Webhook Test", attempts: 1, status_code: 204 });
    const sent = receiver.received.at(-1)!;
    expect(JSON.parse(sent.body)).toMatchObject({ "detail-type": "Webhook Test", detail: { data: { webhook_id: hook.id, sequence: 1 } } });
    // Each test of the webhook is numbered after the last, whatever happens to the webhook in between.
    await fleet.request("PATCH", `${FLEET}/webhooks/${hook.id}`, { body: { description: "renamed" } });
    await fleet.request("POST", `${FLEET}/webhooks/${hook.id}/test`);
    expect(JSON.parse(receiver.received.at(-1)!.body).detail.data.sequence).toBe(2);
    expect(verifySignature(hook.secret, sent.body, sent.signature!, nowSeconds())).toBe(true);

    expect((await fleet.request("PATCH", `${FLEET}/webhooks/${hook.id}`, { body: { enabled: false } })).body.enabled).toBe(false);
    const before = receiver.received.length;
    await fleet.request("POST", `${FLEET}/servers`, { body: serverBody() });
    await fleet.runtime.flushEvents();
    expect(receiver.received.length).toBe(before);
    const page = await fleet.request("GET", `${FLEET}/webhooks/${hook.id}/deliveries`);
    expect(page.body.items.map((d: any) => d.detail_type)).toEqual(["Webhook Test", "Webhook Test"]);
  });
});

describe("the webhooks API", () => {
  let fleet: TestFleet;
  test("admin only; secrets never listed; bad input is 400 and changes nothing; unknown ids 404", async () => {
    fleet = await startTestFleet({ mode: "production" });
    cleanup.push(() => fleet.close());
    const operator = await fleet.keyWithRole("operator");
    expect((await fleet.request("GET", `${FLEET}/webhooks`, { key: operator })).status).toBe(403);
    expect((await fleet.request("POST", `${FLEET}/webhooks`, { key: operator, body: { url: "https://hooks.example.com" } })).status).toBe(403);

    for (const body of [
      { url: "http://hooks.example.com/x" },
      { url: "not a url" },
      { url: "https://hooks.example.com", event_types: ["Server Exploded"] },
      { url: "https://hooks.example.com", secret: "short" },
      { url: "https://hooks.example.com", surprise: true },
    ]) {
      const res = await fleet.request("POST", `${FLEET}/webhooks`, { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const plain = await fleet.request("POST", `${FLEET}/webhooks`, { body: { url: "http://hooks.example.com/x" } });
    expect(plain.body.error.details).toEqual([{ path: "url", message: "url must use https in production mode" }]);
    expect((await fleet.request("GET", `${FLEET}/webhooks`)).body.items).toEqual([]);

    const created = await fleet.request("POST", `${FLEET}/webhooks`, { body: { url: "https://hooks.example.com/in" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: "https://hooks.example.com/in", event_types: null, enabled: true });
    const listed = await fleet.request("GET", `${FLEET}/webhooks`);
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(JSON.stringify((await fleet.request("GET", `${FLEET}/webhooks/${created.body.id}`)).body)).not.toContain("secret");

    const patched = await fleet.request("PATCH", `${FLEET}/webhooks/${created.body.id}`, {
      body: { event_types: ["Fleet Alert Raised"], description: "alerts" },
    });
    expect(patched.body).toMatchObject({ event_types: ["Fleet Alert Raised"], description: "alerts", url: "https://hooks.example.com/in" });
    expect((await fleet.request("PATCH", `${FLEET}/webhooks/${created.body.id}`, { body: { url: "ftp://x" } })).status).toBe(400);

    const other = await fleet.organization();
    expect((await fleet.request("GET", `${FLEET}/webhooks/${created.body.id}`, { key: other.adminKey })).status).toBe(404);
    expect((await fleet.request("DELETE", `${FLEET}/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await fleet.request("DELETE", `${FLEET}/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await fleet.request("GET", `${FLEET}/webhooks/${created.body.id}/deliveries`)).status).toBe(404);
  });
});
