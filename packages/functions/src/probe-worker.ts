// Lambda entry point for probe batches from SQS: runs each batch; a batch that failed is reported so only
// it is retried, and a batch older than two health intervals is dropped (a newer cycle has superseded it).
import type { ProbeBatch } from "@fleetplane/core/probes/batch";
import { runProbeBatch } from "@fleetplane/core/probes/worker";
import { awsContext } from "./aws-context.js";
import { beginInvocation, lambdaTelemetry, type LambdaContext } from "./lambda-telemetry.js";

const telemetry = lambdaTelemetry("probe-worker");

/** Servers a batch asks to check. */
const serversOf = (batch: ProbeBatch) => batch.groups.reduce((sum, group) => sum + group.servers.length, 0);

interface SqsEvent {
  Records: Array<{ messageId: string; body: string }>;
}

export async function handler(event: SqsEvent, context?: LambdaContext): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  beginInvocation(telemetry, context);
  try {
    return await probeRecords(event);
  } finally {
    telemetry.flush();
  }
}

async function probeRecords(event: SqsEvent): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  const ctx = awsContext(telemetry);
  const failures: Array<{ itemIdentifier: string }> = [];
  for (const record of event.Records) {
    telemetry.correlate({ probe_batch_id: record.messageId });
    let batch: ProbeBatch;
    try {
      batch = JSON.parse(record.body) as ProbeBatch;
    } catch {
      // Reported, not thrown: the rest of the SQS batch still runs, and redrive takes this message to the dead-letter queue.
      telemetry.logger.error("unreadable probe batch");
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const age = ctx.clock.now().getTime() - Date.parse(batch.at);
    const servers = serversOf(batch);
    if (!batch.sweep && age > 2 * ctx.config.probes.healthIntervalSeconds * 1000) {
      telemetry.logger.warn("stale probe batch dropped", { at: batch.at, age_ms: age, servers });
      telemetry.metric("ProbeBatchesDropped", 1);
      telemetry.metric("ServersUnprobed", servers);
      continue;
    }
    // How late this cycle's checks start against the schedule that planned them.
    if (!batch.sweep) telemetry.metric("ProbeCycleLag", Math.max(0, age) / 1000);
    try {
      // The checks themselves (HealthChecks, HealthChecksFailed) are counted by the domain as they are stored.
      await runProbeBatch(ctx, batch);
    } catch (error) {
      telemetry.logger.error("probe batch failed", { at: batch.at, servers, error: String(error) });
      telemetry.metric("ServersUnprobed", servers);
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
