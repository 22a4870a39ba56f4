// Probes the members of one probe group: health checks with backoff, metrics collection, alert rules;
// then writes the group's check record, metrics, transitions or heartbeats, and its state, batched.
import type { FleetContext } from "../context.js";
import { epochSeconds } from "../clock.js";
import type { MetricsSample } from "../agents/protocol.js";
import type { FleetEvent } from "../events/fleet-event.js";
import { keys } from "../store/keys.js";
import { evaluateHealthAlerts, evaluateMetricsAlerts } from "./alerts.js";
import { cachedAgentTarget } from "./agent-tokens.js";
import type { Limiter } from "./concurrency.js";
import { heartbeatDue, isDue, nextHealth } from "./health-state.js";
import { packCheck, unpackCheck, type CheckOutcome, type HealthCheck, type HealthStatus, type PackedChecks } from "./health-record.js";
import { writeHeartbeat, writeTransitions, type Transition } from "./health-transition.js";
import { collectMetrics } from "./metrics-collection.js";
import { bucketStart, epoch, packSample, type PackedPoint } from "./metrics-point.js";
import { storeMinutePoints } from "./metrics-store.js";
import { memberKey, type ProbeGroupWork, type ProbeTarget } from "./probe-batch.js";
import { loadGroupState, saveGroupState, type ServerProbeState } from "./probe-state.js";

export interface GroupProbeOptions {
  at: Date;
  health: boolean;
  metrics: boolean;
  /** Probe servers in backoff too (manual and fleet-wide checks). */
  force?: boolean;
  /** Only some members are given (a manual check): keep the others' state. */
  partial?: boolean;
  limit: Limiter;
}

export interface ServerProbeResult {
  server_id: string;
  skipped?: boolean;
  check?: HealthCheck;
  health_status?: HealthStatus;
  samples_collected?: number;
  metrics_error?: string;
}

interface Probed {
  target: ProbeTarget;
  result: ServerProbeResult;
  before: ServerProbeState | undefined;
  state?: ServerProbeState;
  packed?: ReturnType<typeof packCheck>;
  points?: Array<[number, PackedPoint]>;
  events: FleetEvent[];
}

export async function probeGroup(ctx: FleetContext, work: ProbeGroupWork, options: GroupProbeOptions): Promise<ServerProbeResult[]> {
  const organizationId = work.organization_id;
  const now = epochSeconds(options.at);
  const at = options.at.toISOString();
  const group = await loadGroupState(ctx, organizationId, work.group);
  const probed = await Promise.all(
    work.servers.map((target) =>
      options.limit(() => probeServer(ctx, organizationId, target, group.servers[memberKey(target.id)], now, at, options)),
    ),
  );

  // One check record for the whole group and cycle: its size, not the number of servers, is what is billed.
  const checks: PackedChecks = {};
  for (const p of probed) if (p.packed) checks[memberKey(p.target.id)] = p.packed;
  const records = Object.keys(checks).length
    ? [
        {
          put: {
            ...keys.healthCheck(organizationId, work.group, at, options.partial ? `#${Object.keys(checks)[0]}` : ""),
            entity: "health_checks",
            data: JSON.stringify(checks),
            expires_at: now + ctx.config.retention.healthChecksSeconds,
          },
        },
      ]
    : [];
  await ctx.table.batchWrite(records);

  const points = new Map<number, Record<string, PackedPoint>>();
  for (const p of probed)
    for (const [minute, point] of p.points ?? []) points.set(minute, { ...points.get(minute), [memberKey(p.target.id)]: point });
  const rolled = await storeMinutePoints(ctx, organizationId, work.group, points, group.rolled);

  await recordHealth(ctx, organizationId, probed, options, now);

  const changed: Record<string, ServerProbeState> = {};
  for (const p of probed) {
    if (!p.state) continue;
    // The last check is kept (for listings) by metrics cycles and checks asked for: a scheduled health-only
    // cycle keeps the one before, so it writes PROGRESS no more often than it did without it.
    if (!options.metrics && !options.force) {
      if (p.before?.lc === undefined) delete p.state.lc;
      else p.state.lc = p.before.lc;
    }
    // `ok` moves every cycle; between metrics cycles it is not worth a write of its own.
    const comparable = (s: ServerProbeState | undefined) => (s && !options.metrics ? { ...s, ok: undefined } : s);
    if (JSON.stringify(comparable(p.before)) !== JSON.stringify(comparable(p.state))) changed[memberKey(p.target.id)] = p.state;
  }
  const members = options.partial ? undefined : new Set(work.servers.map((s) => memberKey(s.id)));
  const pruned = members !== undefined && Object.keys(group.servers).some((id) => !members.has(id));
  const events = probed.flatMap((p) => p.events);
  if (Object.keys(changed).length || Object.keys(rolled).length || pruned || events.length) {
    await saveGroupState(ctx, organizationId, work.group, group, { servers: changed, members, rolled, events });
  }
  const checked = probed.filter((p) => p.result.check);
  if (checked.length > 0) {
    ctx.signals?.metric("HealthChecks", checked.length);
    ctx.signals?.metric("HealthChecksFailed", checked.filter((p) => p.result.check!.error_message !== null).length);
  }
  return probed.map((p) => p.result);
}

async function probeServer(
  ctx: FleetContext,
  organizationId: string,
  target: ProbeTarget,
  before: ServerProbeState | undefined,
  now: number,
  at: string,
  options: GroupProbeOptions,
): Promise<Probed> {
  const probed: Probed = { target, before, result: { server_id: target.id }, events: [] };
  const ref = { organizationId, id: target.id, name: target.name };
  let state: ServerProbeState = before ? structuredClone(before) : { s0: now };
  let answered = true;
  if (options.health) {
    if (!options.force && !isDue(before, now)) {
      probed.result.skipped = true;
      return probed;
    }
    const agent = await cachedAgentTarget(ctx, organizationId, target);
    const reply = await ctx.agents.health(agent, { timeoutMs: ctx.config.probes.requestTimeoutMs });
    const outcome: CheckOutcome = reply.ok
      ? { ok: true, health: reply.value, response_time_ms: reply.response_time_ms }
      : { ok: false, error: reply.error, response_time_ms: reply.response_time_ms };
    const step = nextHealth(state, state.hs ?? "unknown", outcome, now, ctx.config.probes);
    state = step.state;
    state.lc = now;
    probed.packed = packCheck(outcome);
    probed.result.check = unpackCheck(target.id, at, probed.packed);
    probed.result.health_status = step.health;
    probed.events.push(...evaluateHealthAlerts(ref, state, step.health, now, ctx.config.alerts));
    answered = outcome.ok;
  }
  if (options.metrics && answered) {
    const collected = await collectMetrics(ctx, await cachedAgentTarget(ctx, organizationId, target), state.c);
    if (collected.ok) {
      if (collected.cursor !== undefined) state.c = collected.cursor;
      probed.points = collected.samples.map((s) => [bucketStart(epoch(s.timestamp), "1m"), packSample(s)]);
      const latest = collected.samples.reduce<MetricsSample | undefined>(
        (a, b) => (!a || epoch(b.timestamp) >= epoch(a.timestamp) ? b : a),
        undefined,
      );
      if (latest) {
        state.cpu = percent(latest.cpu_percent);
        state.mem = percent(latest.memory_percent);
      }
      probed.result.samples_collected = collected.samples.length;
      probed.events.push(...evaluateMetricsAlerts(ref, state, collected.samples, now, ctx.config.alerts));
    } else {
      probed.result.metrics_error = `${collected.error.kind}: ${collected.error.message}`;
    }
  }
  if (state.f || state.ok === undefined) state.id = target.id;
  else delete state.id;
  probed.state = state;
  return probed;
}

/** A percentage as kept for listings: one decimal (a few bytes per member of the PROGRESS item). */
function percent(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? Math.round(value * 10) / 10 : null;
}

/** Writes the transitions of servers whose health changed, and heartbeats of those whose item has gone stale. */
async function recordHealth(
  ctx: FleetContext,
  organizationId: string,
  probed: Probed[],
  options: GroupProbeOptions,
  now: number,
): Promise<void> {
  const transitions: Array<{ p: Probed; transition: Transition }> = [];
  const heartbeats: Array<() => Promise<void>> = [];
  for (const p of probed) {
    const health = p.result.health_status;
    const check = p.result.check;
    if (!health || !check || !p.state) continue;
    // A server new to the group state (just registered or re-activated) is believed `unknown`; if its item
    // says otherwise, the transition's condition fails and it is redone from a fresh read.
    const believed = p.before?.hs ?? "unknown";
    const facts = { health, check, seenAt: check.error_message === null ? check.timestamp : undefined };
    if (health !== believed) {
      transitions.push({ p, transition: { target: p.target, from: believed, facts } });
      continue;
    }
    p.state.hs = health;
    // A manual check always refreshes the item (whoever asked looks at it next); otherwise a heartbeat on
    // the metrics cycle that crosses the server's own point of its heartbeat period.
    if (options.partial || (options.metrics && heartbeatDue(p.target.id, now, ctx.config.probes))) {
      heartbeats.push(() => writeHeartbeat(ctx, organizationId, p.target, facts));
    }
  }
  const stored = await writeTransitions(
    ctx,
    organizationId,
    transitions.map((t) => t.transition),
  );
  for (const { p } of transitions) {
    const health = stored.get(p.target.id);
    if (health && p.state) p.state.hs = health;
  }
  await Promise.all(heartbeats.map((write) => options.limit(write)));
}
