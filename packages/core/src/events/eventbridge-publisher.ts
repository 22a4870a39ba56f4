// AWS event publisher: PutEvents on the fleet bus, in calls within EventBridge's limits, failed entries retried.
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { FleetLog } from "../observability/signals.js";
import { EVENT_SOURCE, type FleetEvent } from "./fleet-event.js";
import type { EventPublisher } from "./publisher.js";

/** EventBridge's PutEvents limits: entries per call, and bytes per call as EventBridge counts them. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 5;

/** An entry's size as EventBridge counts it: 14 bytes for Time, then the UTF-8 bytes of Source, DetailType, Detail, Resources. */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  const utf8 = (text: string | undefined) => (text ? Buffer.byteLength(text) : 0);
  return (
    (entry.Time ? 14 : 0) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + utf8(resource), 0)
  );
}

interface Pending {
  event: FleetEvent;
  entry: PutEventsRequestEntry;
  size: number;
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly busName: string,
    /** Public so an entry point can instrument it (X-Ray tracing). */
    readonly client: EventBridgeClient = new EventBridgeClient({}),
    private readonly log?: FleetLog,
  ) {}

  async publish(events: FleetEvent[]): Promise<void> {
    const undelivered = await this.deliver(events);
    if (undelivered.length > 0) throw new Error(`EventBridge did not take ${undelivered.length} of ${events.length} events`);
  }

  /**
   * Delivers every event it can and returns those it could not (the same objects): refused after every
   * retry, in a call that failed, or larger than one call may be. Callers decide what to retry.
   */
  async deliver(events: FleetEvent[]): Promise<FleetEvent[]> {
    const undelivered: FleetEvent[] = [];
    for (const call of this.calls(events)) {
      if (call.length === 1 && call[0]!.size > PUT_EVENTS_MAX_BYTES) {
        this.log?.error("fleet event too large for EventBridge", { event_id: call[0]!.event.detail.event_id });
        undelivered.push(call[0]!.event);
        continue;
      }
      let pending = call;
      for (let attempt = 1; pending.length > 0; attempt++) {
        try {
          const out = await this.client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
          pending = pending.filter((_, i) => out.Entries?.[i]?.ErrorCode);
        } catch (error) {
          // The SDK has already retried throttles and network faults: these entries stay undelivered this time.
          this.log?.error("PutEvents failed", { entries: pending.length, error: String(error) });
          undelivered.push(...pending.map((p) => p.event));
          break;
        }
        if (pending.length > 0 && attempt >= MAX_ATTEMPTS) {
          undelivered.push(...pending.map((p) => p.event));
          break;
        }
      }
    }
    return undelivered;
  }

  /** Events cut into PutEvents calls of at most 10 entries and 256 KiB, in order. */
  private calls(events: FleetEvent[]): Pending[][] {
    const calls: Pending[][] = [];
    let call: Pending[] = [];
    let bytes = 0;
    for (const event of events) {
      const entry: PutEventsRequestEntry = {
        EventBusName: this.busName,
        Source: EVENT_SOURCE,
        DetailType: event.detail_type,
        Detail: JSON.stringify(event.detail),
        Time: new Date(event.detail.occurred_at),
      };
      const size = putEventsEntrySize(entry);
      if (call.length >= PUT_EVENTS_MAX_ENTRIES || (call.length > 0 && bytes + size > PUT_EVENTS_MAX_BYTES)) {
        calls.push(call);
        call = [];
        bytes = 0;
      }
      call.push({ event, entry, size });
      bytes += size;
    }
    if (call.length > 0) calls.push(call);
    return calls;
  }
}
