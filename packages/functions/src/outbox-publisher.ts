// Lambda entry point for the table's stream: publishes newly inserted outbox items to the fleet bus.
// The event source mapping's filter passes only INSERTs of OUTBOX# items; failures are retried by bisecting.
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { EventBridgePublisher, eventsFromOutbox } from "@fleetplane/core";

interface StreamRecord {
  eventName?: string;
  dynamodb?: { NewImage?: Record<string, AttributeValue> };
}

const busName = process.env.FLEETPLANE_EVENT_BUS_NAME;
if (!busName) throw new Error("Fleetplane configuration is invalid:\n  FLEETPLANE_EVENT_BUS_NAME: required");
const publisher = new EventBridgePublisher(busName);

export async function handler(event: { Records: StreamRecord[] }): Promise<void> {
  const events = event.Records.filter((r) => r.eventName === "INSERT" && r.dynamodb?.NewImage).flatMap((r) =>
    eventsFromOutbox(unmarshall(r.dynamodb!.NewImage as Record<string, AttributeValue>)),
  );
  await publisher.publish(events);
}
