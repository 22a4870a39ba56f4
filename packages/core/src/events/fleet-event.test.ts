import { describe, expect, test } from "vitest";
import { eventsFromOutbox, fleetEvent, outboxItem, outboxItems } from "./fleet-event.js";

const at = new Date("2026-11-23T12:00:00Z");
const event = (i: number, bytes = 10) =>
  fleetEvent(
    "Server Health Changed",
    "o1",
    {
      server_id: `s-${i}`,
      server_name: "x".repeat(bytes),
      previous_status: "healthy",
      health_status: "degraded",
      checked_at: at.toISOString(),
      response_time_ms: 5,
      error_message: null,
      sequence: 1,
    },
    at,
  );

describe("outbox items", () => {
  test("many events share items of up to 100, in order, and read back as they were written", () => {
    const events = Array.from({ length: 250 }, (_, i) => event(i));
    const items = outboxItems(events);
    expect(items.map((i) => (i.events as unknown[]).length)).toEqual([100, 100, 50]);
    expect(new Set(items.map((i) => i.pk))).toEqual(new Set(["OUTBOX#o1"])); // the organization's feed partition
    expect(items.map((i) => i.sk)).toEqual([events[0], events[100], events[200]].map((e) => e!.detail.event_id));
    expect(items.flatMap(eventsFromOutbox)).toEqual(events);
  });

  test("events of different organizations never share an item", () => {
    const mixed = [event(1), fleetEvent("Server Health Changed", "o2", { ...event(0).detail.data, server_id: "s" } as never, at), event(2)];
    const items = outboxItems(mixed);
    expect(items.map((i) => i.pk)).toEqual(["OUTBOX#o1", "OUTBOX#o2", "OUTBOX#o1"]);
    expect(
      items
        .flatMap(eventsFromOutbox)
        .map((e) => e.detail.event_id)
        .sort(),
    ).toEqual(mixed.map((e) => e.detail.event_id).sort());
  });

  test("an item stays far below DynamoDB's 400 KB however large the events", () => {
    const items = outboxItems(Array.from({ length: 30 }, (_, i) => event(i, 20_000)));
    for (const item of items) expect(JSON.stringify(item).length).toBeLessThan(250_000);
    expect(items.flatMap(eventsFromOutbox)).toHaveLength(30);
  });

  test("a single event keeps the one-event item form", () => {
    const one = event(1);
    expect(outboxItems([one])).toEqual([outboxItem(one)]);
    expect(eventsFromOutbox(outboxItem(one))).toEqual([one]);
    expect(outboxItems([])).toEqual([]);
  });
});
