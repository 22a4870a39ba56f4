// The local event bus: EventBridge-style pattern matching, subscribers (SSE, webhooks, tests) and a JSONL log.
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { EVENT_SOURCE, type EventPublisher, type FleetEvent } from "@fleetplane/core";
import type { FleetLog } from "@fleetplane/core/observability/signals";

/** The subset of EventBridge event patterns Fleetplane's subscribers use: exact values or `{prefix}` per field. */
export interface EventPattern {
  "detail-type"?: string[];
  detail?: Record<string, Array<string | { prefix: string }>>;
}

type Listener = (event: FleetEvent) => void | Promise<void>;

interface Subscription {
  pattern: EventPattern;
  listener: Listener;
  /** A durable hand-over (webhook deliveries): its failure fails the publish, so the relay delivers again. */
  required: boolean;
}

export class LocalEventBus implements EventPublisher {
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    private readonly logPath?: string,
    private readonly log?: FleetLog,
  ) {}

  async publish(events: FleetEvent[]): Promise<void> {
    if (this.logPath && events.length > 0) {
      await mkdir(dirname(this.logPath), { recursive: true });
      const lines = events.map((e) =>
        JSON.stringify({ source: EVENT_SOURCE, "detail-type": e.detail_type, time: e.detail.occurred_at, detail: e.detail }),
      );
      await appendFile(this.logPath, lines.join("\n") + "\n");
    }
    let failure: unknown;
    for (const event of events) {
      for (const { pattern, listener, required } of this.subscriptions) {
        if (matches(pattern, event)) {
          try {
            await listener(event);
          } catch (error) {
            this.log?.warn("event subscriber failed", { event_id: event.detail.event_id, error: String(error) });
            if (required) failure ??= error;
          }
        }
      }
    }
    if (failure) throw failure;
  }

  subscribe(pattern: EventPattern, listener: Listener, options: { required?: boolean } = {}): () => void {
    const subscription = { pattern, listener, required: options.required ?? false };
    this.subscriptions.add(subscription);
    return () => this.subscriptions.delete(subscription);
  }
}

export function matches(pattern: EventPattern, event: FleetEvent): boolean {
  if (pattern["detail-type"] && !pattern["detail-type"].includes(event.detail_type)) return false;
  for (const [field, allowed] of Object.entries(pattern.detail ?? {})) {
    const value = (event.detail as unknown as Record<string, unknown>)[field] ?? (event.detail.data as Record<string, unknown>)[field];
    if (typeof value !== "string") return false;
    if (!allowed.some((a) => (typeof a === "string" ? a === value : value.startsWith(a.prefix)))) return false;
  }
  return true;
}
