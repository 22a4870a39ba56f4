// AWS event publisher: PutEvents on the fleet bus, ten entries a call, failed entries retried.
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { EVENT_SOURCE, type FleetEvent } from "./fleet-event.js";
import type { EventPublisher } from "./publisher.js";

const ENTRIES_PER_CALL = 10;
const MAX_ATTEMPTS = 5;

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly busName: string,
    private readonly client: EventBridgeClient = new EventBridgeClient({}),
  ) {}

  async publish(events: FleetEvent[]): Promise<void> {
    for (let offset = 0; offset < events.length; offset += ENTRIES_PER_CALL) {
      let entries: PutEventsRequestEntry[] = events.slice(offset, offset + ENTRIES_PER_CALL).map((event) => ({
        EventBusName: this.busName,
        Source: EVENT_SOURCE,
        DetailType: event.detail_type,
        Detail: JSON.stringify(event.detail),
        Time: new Date(event.detail.occurred_at),
      }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const out = await this.client.send(new PutEventsCommand({ Entries: entries }));
        entries = entries.filter((_, i) => out.Entries?.[i]?.ErrorCode);
        if (entries.length > 0 && attempt >= MAX_ATTEMPTS) {
          throw new Error(`EventBridge rejected ${entries.length} events after ${attempt} attempts`);
        }
      }
    }
  }
}
