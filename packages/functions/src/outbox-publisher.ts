// Lambda entry point for the table's stream: publishes newly inserted outbox items to the fleet bus and reports
// the records not fully delivered, so Lambda retries only those (the mapping enables reportBatchItemFailures).
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { EventBridgePublisher } from "@fleetplane/core/events/eventbridge";
import { eventsFromOutbox } from "@fleetplane/core/events/fleet-event";
import { publishOutboxRecords, type OutboxRecord } from "@fleetplane/core/events/outbox-stream";
import { beginInvocation, lambdaTelemetry, type LambdaContext } from "./lambda-telemetry.js";
import { traced } from "./tracing.js";

interface StreamRecord {
  eventName?: string;
  dynamodb?: { NewImage?: Record<string, AttributeValue>; SequenceNumber?: string };
}

const busName = process.env.FLEETPLANE_EVENT_BUS_NAME;
if (!busName) throw new Error("Fleetplane configuration is invalid:\n  FLEETPLANE_EVENT_BUS_NAME: required");
const telemetry = lambdaTelemetry("outbox-publisher");
const publisher = new EventBridgePublisher(busName, undefined, telemetry.log);
traced(publisher.client);

export async function handler(
  event: { Records: StreamRecord[] },
  context?: LambdaContext,
): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  beginInvocation(telemetry, context);
  // The mapping's filter passes only outbox INSERTs; anything else is acknowledged untouched.
  const records: OutboxRecord[] = event.Records.filter(
    (r) => r.eventName === "INSERT" && r.dynamodb?.NewImage && r.dynamodb.SequenceNumber,
  ).map((r) => ({ id: r.dynamodb!.SequenceNumber!, item: unmarshall(r.dynamodb!.NewImage as Record<string, AttributeValue>) }));
  const failed = await publishOutboxRecords(publisher, records, telemetry.log);
  const failedIds = new Set(failed);
  const eventsIn = (list: OutboxRecord[]) => list.reduce((sum, record) => sum + eventsFromOutbox(record.item).length, 0);
  telemetry.metric("EventsPublished", eventsIn(records.filter((record) => !failedIds.has(record.id))));
  if (failed.length > 0) {
    telemetry.metric("EventsFailed", eventsIn(records.filter((record) => failedIds.has(record.id))));
    telemetry.logger.warn("outbox records not delivered; Lambda retries them", { records: failed.length });
  }
  telemetry.flush();
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
