// The probe worker: runs one batch (whole probe groups) with bounded agent concurrency, never failing the
// batch for one server, and advances the fleet-wide check's progress when the batch belongs to one.
import type { FleetContext } from "../context.js";
import { keys } from "../store/keys.js";
import { limiter } from "./concurrency.js";
import { probeGroup, type ServerProbeResult } from "./group-probe.js";
import { batchServers, type ProbeBatch } from "./probe-batch.js";

export async function runProbeBatch(ctx: FleetContext, batch: ProbeBatch): Promise<ServerProbeResult[]> {
  const limit = limiter(ctx.config.probes.concurrency);
  const at = new Date(batch.at);
  const results = await Promise.all(
    batch.groups.map((work) => probeGroup(ctx, work, { at, health: true, metrics: batch.metrics, force: batch.force, limit })),
  );
  if (batch.sweep) {
    await ctx.table.update({
      Key: keys.healthSweep(batch.sweep.organization_id, batch.sweep.id),
      UpdateExpression: "ADD completed_servers :n",
      ExpressionAttributeValues: { ":n": batchServers(batch) },
    });
  }
  return results.flat();
}
