// The health state machine of one server: agent status on success, `unreachable` after N consecutive
// failures, exponential backoff while failing, normal cadence again on the first success. Pure functions.
import type { ProbeSettings } from "../config.js";
import type { CheckOutcome, HealthStatus } from "./health-record.js";
import type { ServerProbeState } from "./probe-state.js";

export interface HealthStep {
  state: ServerProbeState;
  health: HealthStatus;
}

/** Whether a server is due for a check at `now` (epoch s); servers in backoff wait for their due time. */
export function isDue(state: ServerProbeState | undefined, now: number): boolean {
  return state?.d === undefined || state.d <= now;
}

/** Seconds to wait after the `failures`-th consecutive failure: doubling from the health interval, capped. */
export function backoffSeconds(failures: number, settings: ProbeSettings): number {
  const beyond = failures - settings.unreachableAfterFailures;
  if (beyond < 0) return 0;
  return Math.min(settings.backoffMaxSeconds, settings.healthIntervalSeconds * 2 ** (beyond + 1));
}

export function nextHealth(
  previous: ServerProbeState | undefined,
  current: HealthStatus,
  outcome: CheckOutcome,
  now: number,
  settings: ProbeSettings,
): HealthStep {
  const base: ServerProbeState = previous ? { ...previous } : { s0: now };
  if (outcome.ok) {
    const state: ServerProbeState = { ...base, ok: now };
    delete state.f;
    delete state.d;
    delete state.us;
    delete state.s0;
    return { state, health: outcome.health.status };
  }
  const failures = (base.f ?? 0) + 1;
  const unreachable = failures >= settings.unreachableAfterFailures;
  const state: ServerProbeState = { ...base, f: failures };
  if (unreachable) {
    state.us = base.us ?? now;
    state.d = now + backoffSeconds(failures, settings);
    return { state, health: "unreachable" };
  }
  delete state.d;
  return { state, health: current };
}

/**
 * Whether this metrics cycle owes the server item a heartbeat: once per `heartbeatSeconds`, at an offset
 * taken from the server id, so a fleet's heartbeats are spread evenly over the period and nothing needs
 * to remember when the last one was written.
 */
export function heartbeatDue(serverId: string, now: number, probes: { heartbeatSeconds: number; metricsIntervalSeconds: number }): boolean {
  const period = probes.heartbeatSeconds;
  const offset = parseInt(serverId.replace(/-/g, "").slice(-8), 16) % period;
  const slot = (t: number) => Math.floor((t - offset) / period);
  return slot(now) !== slot(now - probes.metricsIntervalSeconds);
}
