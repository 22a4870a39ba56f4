// The outbox publisher as bundled, invoked with DynamoDB Streams batches of outbox INSERTs (single and shared
// items): every event reaches the bus within PutEvents' limits, and a partial failure names exactly its records.
import { marshall } from "@aws-sdk/util-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { fleetEvent, outboxItem, outboxItems, type FleetEvent } from "@fleetplane/core";
import { BUS_NAME, startHandlerWorld, type HandlerWorld } from "./lambda.js";
import { PUT_EVENTS_MAX_BYTES, PUT_EVENTS_MAX_ENTRIES, SDK_ATTEMPTS } from "./aws-services.js";

let world: HandlerWorld;
let sequence = 4_000_000_000_000_000_000n;

beforeAll(async () => {
  world = await startHandlerWorld();
});
afterAll(() => world?.close());
beforeEach(() => {
  world.aws.events.length = 0;
  world.aws.putEventsCalls.length = 0;
  world.aws.refuseEvent = () => false;
  world.aws.failingPutEventsCalls = 0;
});

const at = new Date("2026-12-02T10:00:00.000Z");
function events(count: number, dataBytes = 50): FleetEvent[] {
  return Array.from({ length: count }, (_, i) =>
    fleetEvent(
      "Server Health Changed",
      "org-1",
      {
        server_id: `srv-${i}`,
        server_name: `srv-${i}`,
        previous_status: "healthy",
        health_status: "unreachable",
        checked_at: at.toISOString(),
        response_time_ms: null,
        error_message: "x".repeat(dataBytes),
        sequence: 1,
      },
      new Date(at.getTime() + i),
    ),
  );
}

/** A stream record as Lambda delivers it from a table with NEW_AND_OLD_IMAGES. */
function insertRecord(item: Record<string, unknown>, eventName: "INSERT" | "MODIFY" | "REMOVE" = "INSERT") {
  const image = marshall(item, { removeUndefinedValues: true });
  const SequenceNumber = String(++sequence);
  return {
    eventID: `e${SequenceNumber.slice(-8)}`,
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "us-east-1",
    dynamodb: {
      ApproximateCreationDateTime: at.getTime() / 1000,
      Keys: marshall({ pk: item.pk, sk: item.sk }),
      ...(eventName === "REMOVE" ? { OldImage: image } : { NewImage: image }),
      SequenceNumber,
      SizeBytes: JSON.stringify(image).length,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
    eventSourceARN: "arn:aws:dynamodb:us-east-1:000000000000:table/fleetplane-test-Storage-Table/stream/2026-12-01T00:00:00.000",
  };
}

const idsOf = (published: Array<{ Detail?: string }>) => published.map((e) => JSON.parse(e.Detail!).event_id as string);
const eventIds = (list: FleetEvent[]) => list.map((e) => e.detail.event_id);

describe("outbox publisher handler", () => {
  test("a batch of single and shared outbox INSERTs publishes every event in order, ten entries a call at most", async () => {
    const singles = events(3);
    const shared = events(25);
    const records = [
      insertRecord(outboxItem(singles[0]!)),
      insertRecord(outboxItems(shared)[0]!),
      insertRecord(outboxItem(singles[1]!)),
      insertRecord(outboxItem(singles[2]!)),
    ];
    expect((records[1]!.dynamodb as unknown as { NewImage: { events: { L: unknown[] } } }).NewImage.events.L).toHaveLength(25);

    const result = await world.invoke("outbox-publisher", { Records: records });

    expect(result).toEqual({ batchItemFailures: [] });
    expect(idsOf(world.aws.events)).toEqual(eventIds([singles[0]!, ...shared, singles[1]!, singles[2]!]));
    expect(
      world.aws.events.every((e) => e.Source === "fleetplane" && e.EventBusName === BUS_NAME && e.DetailType === "Server Health Changed"),
    ).toBe(true);
    expect(world.aws.putEventsCalls.map((c) => c.entries)).toEqual([10, 10, 8]);
  });

  test("large events are cut into PutEvents calls within 256 KB", async () => {
    const large = events(40, 30_000);
    const records = outboxItems(large).map((item) => insertRecord(item));
    expect(records.length).toBeGreaterThan(1);

    const result = await world.invoke("outbox-publisher", { Records: records });

    expect(result).toEqual({ batchItemFailures: [] });
    expect(idsOf(world.aws.events)).toEqual(eventIds(large));
    for (const call of world.aws.putEventsCalls) {
      expect(call.entries).toBeLessThanOrEqual(PUT_EVENTS_MAX_ENTRIES);
      expect(call.bytes).toBeLessThanOrEqual(PUT_EVENTS_MAX_BYTES);
    }
    expect(Math.max(...world.aws.putEventsCalls.map((c) => c.entries))).toBeLessThan(PUT_EVENTS_MAX_ENTRIES);
  });

  test("events EventBridge keeps refusing name exactly their records in batchItemFailures; the rest are delivered", async () => {
    const singles = events(4);
    const shared = events(12);
    const refused = new Set([singles[2]!.detail.event_id, shared[7]!.detail.event_id]);
    world.aws.refuseEvent = (entry) => refused.has(JSON.parse(entry.Detail!).event_id);
    const records = [
      insertRecord(outboxItem(singles[0]!)),
      insertRecord(outboxItem(singles[1]!)),
      insertRecord(outboxItems(shared)[0]!),
      insertRecord(outboxItem(singles[2]!)),
      insertRecord(outboxItem(singles[3]!)),
    ];

    const result = await world.invoke("outbox-publisher", { Records: records });

    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: records[2]!.dynamodb.SequenceNumber }, { itemIdentifier: records[3]!.dynamodb.SequenceNumber }],
    });
    const delivered = new Set(idsOf(world.aws.events));
    for (const event of [...singles, ...shared]) expect(delivered.has(event.detail.event_id)).toBe(!refused.has(event.detail.event_id));
  });

  test("a PutEvents call that fails outright names the records whose events it carried", async () => {
    const first = events(10);
    const second = events(3);
    const records = [...first, ...second].map((event) => insertRecord(outboxItem(event)));
    // An outage the SDK's own retries do not ride out.
    world.aws.failingPutEventsCalls = SDK_ATTEMPTS;

    const result = await world.invoke("outbox-publisher", { Records: records });

    expect(result.batchItemFailures).toEqual(records.slice(0, 10).map((r) => ({ itemIdentifier: r.dynamodb.SequenceNumber })));
    expect(idsOf(world.aws.events)).toEqual(eventIds(second));
  });

  test("records other than outbox INSERTs are acknowledged without publishing", async () => {
    const [event] = events(1);
    const result = await world.invoke("outbox-publisher", {
      Records: [insertRecord(outboxItem(event!), "MODIFY"), insertRecord(outboxItem(event!), "REMOVE")],
    });
    expect(result).toEqual({ batchItemFailures: [] });
    expect(world.aws.putEventsCalls).toEqual([]);
  });
});
