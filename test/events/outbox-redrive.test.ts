// The outbox redrive: a dead-lettered stream batch's events are republished from the retained outbox
// items once, however often the command runs, and the dead-letter messages are consumed.
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { EventBridgePublisher, fleetEvent, keys, outboxItems, outboxPut, Table, type FleetEvent } from "@fleetplane/core";
import { ensureTable, localDynamoClient, startLocalDynamo, type LocalDynamo } from "@fleetplane/local";
import { redriveOutboxQueue } from "../../packages/functions/src/ops/redrive.js";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/000000000000/OutboxDeadLetters";
const NOW = new Date("2026-12-02T10:00:00.000Z");

let dynamo: LocalDynamo;
let table: Table;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  const client = localDynamoClient(dynamo.endpoint);
  await ensureTable(client, "redrive-test");
  table = new Table({ client, tableName: "redrive-test", nowSeconds: () => NOW.getTime() / 1000 });
});
afterAll(() => dynamo.close());

const sqs = mockClient(SQSClient);
// core carries its own copy of the EventBridge client package, so its publisher is handed this instance
// (mocked per instance); the two copies differ only in their types.
const eventBridge = new EventBridgeClient({ region: "us-east-1" });
const putEvents = mockClient(eventBridge as never);
beforeEach(() => {
  sqs.reset();
  putEvents.reset();
  putEvents
    .onAnyCommand()
    .callsFake((command: { Entries: unknown[] }): unknown => ({
      FailedEntryCount: 0,
      Entries: command.Entries.map(() => ({ EventId: "x" })),
    }));
});

/** Lambda's on-failure record for a stream batch whose records arrived between `first` and `last`. */
function deadLetter(id: string, first: Date, last: Date): Message {
  return {
    MessageId: id,
    ReceiptHandle: `receipt-${id}`,
    Body: JSON.stringify({
      requestContext: { condition: "RetryAttemptsExhausted", approximateInvokeCount: 11 },
      DDBStreamBatchInfo: {
        shardId: "shardId-00000001",
        startSequenceNumber: "100",
        endSequenceNumber: "200",
        approximateArrivalOfFirstRecord: first.toISOString(),
        approximateArrivalOfLastRecord: last.toISOString(),
        batchSize: 3,
        streamArn: "arn:aws:dynamodb:us-east-1:000000000000:table/redrive-test/stream/2026",
      },
    }),
  };
}

/** Serves `messages` once each, then an empty queue; records deletions. */
function queueHolding(messages: Message[]): string[] {
  const deleted: string[] = [];
  let served = false;
  sqs.on(ReceiveMessageCommand).callsFake(() => {
    const batch = served ? [] : messages;
    served = true;
    return { Messages: batch };
  });
  sqs.on(DeleteMessageCommand).callsFake((input: { ReceiptHandle: string }) => {
    deleted.push(input.ReceiptHandle);
    return {};
  });
  return deleted;
}

const publishedIds = (): string[] =>
  putEvents
    .calls()
    .flatMap((call) => (call.args[0].input as { Entries: Array<{ Detail: string }> }).Entries.map((e) => JSON.parse(e.Detail).event_id));

/** A valid fleet event about a server (the detail-type does not matter to the redrive). */
const changed = (organizationId: string, serverId: string, time: Date): FleetEvent =>
  fleetEvent(
    "Server Health Changed",
    organizationId,
    {
      server_id: serverId,
      server_name: serverId,
      previous_status: "healthy",
      health_status: "degraded",
      checked_at: time.toISOString(),
      response_time_ms: 12,
      error_message: null,
      sequence: time.getTime(),
    },
    time,
  );

/** The organization's name item, which is how the redrive finds every organization's outbox. */
const organization = (id: string) => table.put({ Item: { ...keys.organizationName(id), organization_id: id } });

const at = (offsetSeconds: number) => new Date(NOW.getTime() - 3_600_000 + offsetSeconds * 1000);

test("a dead-lettered range is republished once, with shared outbox items unpacked, and its message deleted", async () => {
  const org = "org-redrive";
  const single = changed(org, "s1", at(0));
  const shared = [at(1), at(1), at(2)].map((time, i) => changed(org, `s${i}`, time));
  const outside = changed(org, "s9", at(900));
  await organization(org);
  await table.transact([outboxPut(single), outboxPut(outside)]);
  await table.batchWrite(outboxItems(shared).map((item) => ({ put: item })));

  const deleted = queueHolding([deadLetter("m1", at(1), at(3))]);
  const log: string[] = [];
  const publisher = new EventBridgePublisher("fleet-test", eventBridge as never);
  const totals = await redriveOutboxQueue({
    sqs: new SQSClient({ region: "us-east-1" }),
    queueUrl: QUEUE_URL,
    table,
    clock: { now: () => NOW },
    publisher,
    log: (l) => log.push(l),
  });

  const expected = [single, ...shared].map((event: FleetEvent) => event.detail.event_id);
  expect(publishedIds().sort()).toEqual(expected.sort());
  expect(publishedIds()).not.toContain(outside.detail.event_id);
  for (const call of putEvents.calls()) {
    const entries = (call.args[0].input as { Entries: Array<{ Source: string; EventBusName: string }> }).Entries;
    expect(entries.length).toBeLessThanOrEqual(10);
    expect(entries.every((entry) => entry.Source === "fleetplane" && entry.EventBusName === "fleet-test")).toBe(true);
  }
  expect(deleted).toEqual(["receipt-m1"]);
  expect(totals).toMatchObject({ messages: 1, found: 4, republished: 4, alreadyRepublished: 0, kept: 0 });
  expect(log[0]).toMatch(/4 events, 4 republished, 0 already republished/);

  // The same range dead-lettered again (or the command run twice): nothing is published a second time.
  putEvents.resetHistory();
  queueHolding([deadLetter("m2", at(1), at(3))]);
  const again = await redriveOutboxQueue({
    sqs: new SQSClient({ region: "us-east-1" }),
    queueUrl: QUEUE_URL,
    table,
    clock: { now: () => NOW },
    publisher,
    log: () => {},
  });
  expect(putEvents.calls()).toHaveLength(0);
  expect(again).toMatchObject({ found: 4, republished: 0, alreadyRepublished: 4 });
});

test("a dry run publishes nothing and keeps the message; an unreadable or expired message is kept", async () => {
  const org = "org-dry";
  const event = changed(org, "d1", at(1800));
  await organization(org);
  await table.transact([outboxPut(event)]);
  const deleted = queueHolding([deadLetter("dry", at(1800), at(1800)), { MessageId: "junk", ReceiptHandle: "r-junk", Body: "{}" }]);
  const totals = await redriveOutboxQueue({
    sqs: new SQSClient({ region: "us-east-1" }),
    queueUrl: QUEUE_URL,
    table,
    clock: { now: () => NOW },
    publisher: new EventBridgePublisher("fleet-test", eventBridge as never),
    dryRun: true,
    log: () => {},
  });
  expect(putEvents.calls()).toHaveLength(0);
  expect(deleted).toEqual([]);
  expect(totals).toMatchObject({ messages: 2, found: 1, republished: 0, kept: 2 });

  const expired = queueHolding([deadLetter("old", new Date("2026-11-01T00:00:00Z"), new Date("2026-11-01T00:01:00Z"))]);
  const old = await redriveOutboxQueue({
    sqs: new SQSClient({ region: "us-east-1" }),
    queueUrl: QUEUE_URL,
    table,
    clock: { now: () => NOW },
    publisher: new EventBridgePublisher("fleet-test", eventBridge as never),
    log: () => {},
  });
  expect(expired).toEqual([]);
  expect(old).toMatchObject({ messages: 1, kept: 1, republished: 0 });
});
