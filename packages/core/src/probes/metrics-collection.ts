// Collecting one server's metrics: the agent's buffered minutes after our cursor (so a missed poll is
// backfilled on the next), or /metrics/current for agents without a buffer.
import type { AgentFailure, AgentTarget } from "../agents/agent-client.js";
import type { MetricsSample } from "../agents/protocol.js";
import type { FleetContext } from "../context.js";

export type Collected = { ok: true; samples: MetricsSample[]; cursor: string | undefined } | { ok: false; error: AgentFailure };

export async function collectMetrics(ctx: FleetContext, target: AgentTarget, cursor: string | undefined): Promise<Collected> {
  const options = { timeoutMs: ctx.config.probes.requestTimeoutMs };
  const buffered = await ctx.agents.metricsSince(target, cursor, options);
  if (buffered.ok) {
    let samples = buffered.value.samples;
    // A first collection takes only the recent end of the buffer; from then on the cursor misses nothing.
    if (cursor === undefined) samples = samples.slice(-ctx.config.probes.initialBackfillMinutes);
    return { ok: true, samples, cursor: buffered.value.cursor ?? cursor };
  }
  if (buffered.error.kind === "http" && buffered.error.status === 404) {
    const current = await ctx.agents.metricsCurrent(target, options);
    return current.ok ? { ok: true, samples: [current.value], cursor } : { ok: false, error: current.error };
  }
  return { ok: false, error: buffered.error };
}
