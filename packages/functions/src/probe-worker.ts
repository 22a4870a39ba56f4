// Lambda entry point for probe batches from SQS: runs each batch; a batch that failed is reported so only
// it is retried, and a batch older than two health intervals is dropped (a newer cycle has superseded it).
import type { ProbeBatch } from "@fleetplane/core/probes/batch";
import { runProbeBatch } from "@fleetplane/core/probes/worker";
import { awsContext } from "./aws-context.js";

interface SqsEvent {
  Records: Array<{ messageId: string; body: string }>;
}

export async function handler(event: SqsEvent): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  const ctx = awsContext();
  const failures: Array<{ itemIdentifier: string }> = [];
  for (const record of event.Records) {
    let batch: ProbeBatch;
    try {
      batch = JSON.parse(record.body) as ProbeBatch;
    } catch {
      // Reported, not thrown: the rest of the SQS batch still runs, and redrive takes this message to the dead-letter queue.
      console.error(JSON.stringify({ level: "error", msg: "unreadable probe batch", message_id: record.messageId }));
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const age = ctx.clock.now().getTime() - Date.parse(batch.at);
    if (!batch.sweep && age > 2 * ctx.config.probes.healthIntervalSeconds * 1000) {
      console.log(JSON.stringify({ level: "warn", msg: "stale probe batch dropped", at: batch.at, age_ms: age }));
      continue;
    }
    try {
      await runProbeBatch(ctx, batch);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", msg: "probe batch failed", at: batch.at, error: String(error) }));
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
