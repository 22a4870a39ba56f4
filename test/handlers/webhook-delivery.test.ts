// The webhook delivery function as bundled: an SQS batch of fleet events from the bus (one of them unreadable)
// becomes signed POSTs to the organization's webhook, and only the unreadable record is reported as failed;
// the scheduled invocation retries due deliveries.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { verifySignature } from "../../packages/core/src/webhooks/signature.js";
import { httpApiEvent, jsonOf, schedulerEvent, sqsEvent, startHandlerWorld, type HandlerWorld } from "./lambda.js";

const FLEET = "/api/v1/fleet";
let world: HandlerWorld;
let receiver: Server;
const received: Array<{ body: string; signature: string; eventId: string }> = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({
        body,
        signature: String(request.headers["fleetplane-signature"]),
        eventId: String(request.headers["fleetplane-event-id"]),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  world = await startHandlerWorld({ mode: "development" });
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await world?.close();
});

/** A fleet event as the bus rule's SQS target receives it (EventBridge's envelope around the detail). */
function busMessage(eventId: string, serverId: string) {
  const occurredAt = new Date().toISOString();
  return JSON.stringify({
    version: "0",
    id: `eb-${eventId}`,
    "detail-type": "Server Health Changed",
    source: "fleetplane",
    account: "000000000000",
    time: occurredAt,
    region: "us-east-1",
    resources: [],
    detail: {
      event_id: eventId,
      organization_id: "default",
      occurred_at: occurredAt,
      version: 1,
      data: {
        server_id: serverId,
        server_name: serverId,
        previous_status: "healthy",
        health_status: "unreachable",
        checked_at: occurredAt,
        response_time_ms: null,
        error_message: "timeout",
      },
    },
  });
}

describe("webhook delivery handler", () => {
  test("an SQS batch of bus events is delivered signed to the webhook; only the unreadable record fails", async () => {
    const { port } = receiver.address() as AddressInfo;
    const created = await world.invoke(
      "api",
      httpApiEvent("POST", `${FLEET}/webhooks`, { key: world.adminKey, body: { url: `http://127.0.0.1:${port}/hook` } }),
    );
    expect(created.statusCode).toBe(201);
    const { secret } = jsonOf(created) as { secret: string };

    const ids = ["0193a6c0-0000-7000-8000-000000000001", "0193a6c0-0000-7000-8000-000000000002"];
    const result = await world.invoke(
      "webhook-delivery",
      sqsEvent([
        { id: "m1", body: busMessage(ids[0]!, "s1") },
        { id: "m-bad", body: "{not json" },
        { id: "m2", body: busMessage(ids[1]!, "s2") },
      ]),
    );

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "m-bad" }] });
    expect(received.map((r) => r.eventId).sort()).toEqual([...ids].sort());
    for (const delivery of received) {
      expect(verifySignature(secret, delivery.body, delivery.signature, Math.floor(Date.now() / 1000))).toBe(true);
      expect(JSON.parse(delivery.body)).toMatchObject({
        id: delivery.eventId,
        source: "fleetplane",
        "detail-type": "Server Health Changed",
      });
    }

    // The once-a-minute scheduled invocation finds nothing due: both deliveries succeeded.
    await world.invoke("webhook-delivery", schedulerEvent(new Date()));
    expect(received).toHaveLength(2);
  });
});
