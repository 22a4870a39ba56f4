// One virtual agent's state (profile, operation behaviour, what it received), created only when first needed.
import type { OperationResult } from "../protocol.js";
import type { OperationBehaviour, Profile } from "./profiles.js";

export interface ReceivedOperation {
  operation_type: string;
  idempotency_key?: string;
  parameters: unknown;
  at: string;
}

export interface ReceivedRequests {
  health: number;
  metrics_current: number;
  metrics_since: number;
  operations: ReceivedOperation[];
  /** Operation runs actually started: distinct idempotency keys, plus every request without a key. */
  executed_operations: number;
}

export function emptyReceived(): ReceivedRequests {
  return { health: 0, metrics_current: 0, metrics_since: 0, operations: [], executed_operations: 0 };
}

/**
 * Servers nobody has touched have no VirtualAgent at all: their profile comes from the mix and their
 * answers are computed, which is what keeps 10,000 servers cheap.
 */
export class VirtualAgent {
  received: ReceivedRequests = emptyReceived();
  /** Health checks answered so far; drives the flapping profile. Survives resetStats(). */
  healthChecks = 0;
  readonly runs = new Map<string, { fingerprint: string; result: Promise<OperationResult> }>();

  constructor(
    public profile: Profile,
    public behaviour: OperationBehaviour = { outcome: "succeed" },
  ) {}

  /** Whether the next health check falls in a "down" half-period; advances the flapping cycle. */
  flapDown(): boolean {
    if (this.profile.kind !== "flapping") return false;
    const period = Math.max(1, this.profile.period_checks ?? 3);
    return Math.floor(this.healthChecks / period) % 2 === 1;
  }
}
