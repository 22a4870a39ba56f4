import { describe, expect, test } from "vitest";
import { eventsFromOutbox, fleetEvent, outboxItem, outboxItems } from "./fleet-event.js";

const at = new Date("2026-11-23T12:00:00Z");
const event = (i: number, bytes = 10) => fleetEvent("Server Health Changed", "o1", { server_id: `s-${i}`, note: "x".repeat(bytes) }, at);

describe("outbox items", () => {
  test("many events share items of up to 100, in order, and read back as they were written", () => {
    const events = Array.from({ length: 250 }, (_, i) => event(i));
    const items = outboxItems(events, "health#o1#3");
    expect(items.map((i) => (i.events as unknown[]).length)).toEqual([100, 100, 50]);
    expect(new Set(items.map((i) => i.pk)).size).toBe(1); // one ordering key, one shard
    expect(items.flatMap(eventsFromOutbox)).toEqual(events);
  });

  test("an item stays far below DynamoDB's 400 KB however large the events", () => {
    const items = outboxItems(Array.from({ length: 30 }, (_, i) => event(i, 20_000)));
    for (const item of items) expect(JSON.stringify(item).length).toBeLessThan(250_000);
    expect(items.flatMap(eventsFromOutbox)).toHaveLength(30);
  });

  test("a single event keeps the one-event item form", () => {
    const one = event(1);
    expect(outboxItems([one], "k")).toEqual([outboxItem(one, "k")]);
    expect(eventsFromOutbox(outboxItem(one))).toEqual([one]);
    expect(outboxItems([])).toEqual([]);
  });
});
