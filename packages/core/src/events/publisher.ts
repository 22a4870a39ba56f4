// The event publisher port: delivers events read from the outbox (EventBridge in AWS, the local bus locally).
import type { FleetEvent } from "./fleet-event.js";

export interface EventPublisher {
  /** Delivers every event or throws; delivery is at least once, so subscribers dedupe on `event_id`. */
  publish(events: FleetEvent[]): Promise<void>;
}
