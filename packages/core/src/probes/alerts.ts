// Alert rules evaluated after each check and collection. An alert is raised once (`Fleet Alert Raised`) and
// resolved once (`Fleet Alert Resolved`); its open state lives in the group's probe state, written in the
// same transaction as the events, so neither repeats every cycle nor gets lost.
import type { AlertSettings } from "../config.js";
import { fleetEvent, type FleetEvent } from "../events/fleet-event.js";
import type { MetricsSample } from "../agents/protocol.js";
import type { HealthStatus } from "./health-record.js";
import type { ServerProbeState } from "./probe-state.js";
import { iso } from "./metrics-point.js";

export const ALERT_RULES = [
  "unreachable",
  "health_degraded",
  "health_critical",
  "cpu_high",
  "memory_high",
  "disk_high",
  "failed_services",
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

const SEVERITY: Record<AlertRule, "warning" | "critical"> = {
  unreachable: "critical",
  health_degraded: "warning",
  health_critical: "critical",
  cpu_high: "warning",
  memory_high: "warning",
  disk_high: "warning",
  failed_services: "warning",
};

const RESOURCES = [
  ["cpu_high", "cpu_percent", "cpuPercent"],
  ["memory_high", "memory_percent", "memoryPercent"],
  ["disk_high", "disk_percent", "diskPercent"],
] as const;

interface ServerRef {
  organizationId: string;
  id: string;
  name: string;
}

/** Applies the outcome of a health check to the server's alert state; returns the events to publish. */
export function evaluateHealthAlerts(
  server: ServerRef,
  state: ServerProbeState,
  health: HealthStatus,
  now: number,
  settings: AlertSettings,
): FleetEvent[] {
  const events: FleetEvent[] = [];
  const unreachableLong = health === "unreachable" && state.us !== undefined && now - state.us >= settings.unreachableForSeconds;
  toggle(server, state, "unreachable", unreachableLong, { unreachable_since: state.us === undefined ? null : iso(state.us) }, now, events);
  // A failed check says nothing about the agent's own status: keep those alerts as they are until it answers.
  if (health !== "unreachable") {
    toggle(server, state, "health_degraded", health === "degraded", { health_status: health }, now, events);
    toggle(server, state, "health_critical", health === "critical", { health_status: health }, now, events);
  }
  return events;
}

/** Applies new one-minute samples (oldest first) to the server's resource alert state. */
export function evaluateMetricsAlerts(
  server: ServerRef,
  state: ServerProbeState,
  samples: MetricsSample[],
  now: number,
  settings: AlertSettings,
): FleetEvent[] {
  const events: FleetEvent[] = [];
  const k = settings.consecutivePoints;
  for (const sample of samples) {
    for (const [rule, field, setting] of RESOURCES) {
      const value = sample[field];
      if (typeof value !== "number") continue;
      const run = state.run?.[rule] ?? 0;
      const open = state.al?.[rule] !== undefined;
      // Hysteresis: an open alert counts a point as "above" until it falls under the threshold less the
      // margin, so a value hovering at the threshold does not raise and clear it over and over.
      const above = value > settings[setting] - (open ? settings.clearMarginPercent : 0);
      // Closed: consecutive points above (counting up to k). Open: consecutive points back below (down to -k).
      // Bounded, so the state only changes while a run is building.
      const next = open ? (above ? 0 : Math.max(-k, Math.min(run, 0) - 1)) : above ? Math.min(k, Math.max(run, 0) + 1) : 0;
      if (next === 0) {
        if (state.run) delete state.run[rule];
      } else state.run = { ...state.run, [rule]: next };
      if (!open && next >= k)
        toggle(
          server,
          state,
          rule,
          true,
          { value, threshold: settings[setting], consecutive_points: k, sample_at: sample.timestamp },
          now,
          events,
        );
      if (open && next <= -k)
        toggle(
          server,
          state,
          rule,
          false,
          {
            value,
            threshold: settings[setting],
            clear_below: settings[setting] - settings.clearMarginPercent,
            sample_at: sample.timestamp,
          },
          now,
          events,
        );
    }
    if (typeof sample.failed_services === "number") {
      toggle(
        server,
        state,
        "failed_services",
        sample.failed_services >= settings.failedServices,
        { failed_services: sample.failed_services, threshold: settings.failedServices, sample_at: sample.timestamp },
        now,
        events,
      );
    }
  }
  if (state.run && Object.keys(state.run).length === 0) delete state.run;
  return events;
}

function toggle(
  server: ServerRef,
  state: ServerProbeState,
  rule: AlertRule,
  active: boolean,
  details: Record<string, unknown>,
  now: number,
  events: FleetEvent[],
): void {
  const raisedAt = state.al?.[rule];
  if (active && raisedAt === undefined) {
    state.al = { ...state.al, [rule]: now };
    events.push(alertEvent("Fleet Alert Raised", server, rule, { raised_at: iso(now), ...details }, now));
  } else if (!active && raisedAt !== undefined) {
    const { [rule]: _closed, ...rest } = state.al!;
    if (Object.keys(rest).length) state.al = rest;
    else delete state.al;
    events.push(alertEvent("Fleet Alert Resolved", server, rule, { raised_at: iso(raisedAt), resolved_at: iso(now), ...details }, now));
  }
}

function alertEvent(
  type: "Fleet Alert Raised" | "Fleet Alert Resolved",
  server: ServerRef,
  rule: AlertRule,
  details: { raised_at: string; resolved_at?: string } & Record<string, unknown>,
  now: number,
): FleetEvent {
  return fleetEvent(
    type,
    server.organizationId,
    {
      alert: { id: `${server.id}:${rule}`, rule, severity: SEVERITY[rule], server_id: server.id, server_name: server.name, ...details },
      // Numbered when the group's state is saved with it (probe-state.ts); 0 is not a valid sequence.
      sequence: 0,
    },
    new Date(now * 1000),
  );
}

/** Open alerts of a server, for the API. */
export function openAlerts(state: ServerProbeState | undefined): Array<{ rule: string; severity: string; raised_at: string }> {
  return Object.entries(state?.al ?? {}).map(([rule, at]) => ({
    rule,
    severity: SEVERITY[rule as AlertRule] ?? "warning",
    raised_at: iso(at),
  }));
}
