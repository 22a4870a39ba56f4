import { expect, test } from "vitest";
import { DETAIL_TYPES } from "./fleet-event.js";
import { eventSubject } from "./event-subjects.js";

test("every detail-type names its entity, and an event without an id or a positive integer sequence has no subject", () => {
  const data = {
    server: { id: "s1" },
    server_id: "s1",
    alert: { id: "s1:cpu_high" },
    operation_id: "o1",
    webhook_id: "w1",
    sequence: 7,
  };
  for (const type of [...DETAIL_TYPES, "Webhook Test"]) expect(eventSubject(type, data), type).toMatchObject({ sequence: 7 });
  expect(eventSubject("Server Health Changed", data)).toEqual({ entity: "server", id: "s1", sequence: 7 });
  expect(eventSubject("Fleet Alert Resolved", data)).toEqual({ entity: "alert", id: "s1:cpu_high", sequence: 7 });
  expect(eventSubject("Server Operation Finished", data)).toEqual({ entity: "operation", id: "o1", sequence: 7 });
  expect(eventSubject("Webhook Test", data)).toEqual({ entity: "webhook", id: "w1", sequence: 7 });
  for (const sequence of [0, -1, 1.5, "7", undefined]) expect(eventSubject("Server Updated", { ...data, sequence })).toBeUndefined();
  expect(eventSubject("Server Updated", { ...data, server: {} })).toBeUndefined();
  expect(eventSubject("Server Exploded", data)).toBeUndefined();
});
