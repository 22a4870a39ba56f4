// Task "Record result": one target's final state, the operation's counters and the per-server event, in one
// transaction; the event's progress sequence is recorded in the counters' shard on condition it is the shard's highest.
import type { FleetContext } from "../../context.js";
import { fleetEvent, outboxPut } from "../../events/fleet-event.js";
import { keys } from "../../store/keys.js";
import { TransactionRejected, type TransactItem } from "../../store/table.js";
import { AgentUnavailable, type ServerRunResult } from "../kinds/kind.js";
import { countUpdate, progressKey, resultSequence, type COUNTERS, type ProgressItem, type TargetItem } from "../operation-item.js";
import type { TargetStatus } from "../schema.js";
import { failureMessage, type RunOutcome, type ServerStep } from "./task-io.js";

type Counter = (typeof COUNTERS)[number];

const COUNTER: Record<Exclude<TargetStatus, "pending" | "running">, Counter> = {
  succeeded: "completed_servers",
  failed: "failed_servers",
  skipped: "skipped_servers",
  cancelled: "cancelled_servers",
};

export async function recordServerResult(ctx: FleetContext, step: ServerStep): Promise<Record<string, never>> {
  if (step.outcome?.outcome === "done") return {};
  const targetKey = keys.operationTarget(step.organization_id, step.operation_id, step.position);
  let outcome: Exclude<RunOutcome, { outcome: "done" }>;
  if (step.outcome && !step.failure) {
    outcome = step.outcome;
  } else {
    // Run on server failed (its error was caught): what the target is, it did not say, so read it.
    const target = await ctx.table.get<TargetItem>(targetKey, { consistent: true });
    if (!target || (target.status !== "pending" && target.status !== "running")) return {};
    outcome = {
      outcome: "ran",
      server_id: target.server_id,
      server_name: target.server_name,
      attempts: target.attempts,
      // The run never answered (timeout, unreachable agent): its duration is the time since it started.
      result: { ...failedRun(step), duration_ms: sinceStart(target, ctx.clock.now()) },
    };
  }

  const now = ctx.clock.now();
  const finishedAt = now.toISOString();
  let status: Exclude<TargetStatus, "pending" | "running">;
  let fields: Record<string, unknown>;
  if (outcome.outcome === "ran") {
    status = outcome.result.status;
    fields = { duration_ms: outcome.result.duration_ms, output: outcome.result.output || null, error: outcome.result.error || null };
  } else {
    status = outcome.outcome;
    fields = { error: outcome.outcome === "skipped" ? outcome.reason : "not started: the operation was cancelled" };
  }

  const assignments = Object.keys(fields).map((name) => `#${name} = :${name}`);
  const targetUpdate: TransactItem = {
    Update: {
      Key: targetKey,
      UpdateExpression: `SET #status = :final, finished_at = :now, ${assignments.join(", ")}`,
      ConditionExpression: "#status IN (:pending, :running)",
      ExpressionAttributeNames: { "#status": "status", ...Object.fromEntries(Object.keys(fields).map((n) => [`#${n}`, n])) },
      ExpressionAttributeValues: {
        ":final": status,
        ":now": finishedAt,
        ":pending": "pending",
        ":running": "running",
        ...Object.fromEntries(Object.entries(fields).map(([n, v]) => [`:${n}`, v])),
      },
    },
  };
  const count = (sequence?: number): TransactItem => ({
    Update: countUpdate(
      step.organization_id,
      step.operation_id,
      step.position,
      COUNTER[status],
      now,
      ctx.config.operations.retentionSeconds,
      sequence,
    ),
  });
  // Only servers the operation actually ran on get an event; skipped and cancelled ones are in the Finished event's counts.
  if (outcome.outcome !== "ran") {
    await recordOnce(ctx, [targetUpdate, count()]);
    return {};
  }
  const ran = outcome;
  const event = (sequence: number) =>
    fleetEvent(
      "Server Operation Finished",
      step.organization_id,
      {
        operation_id: step.operation_id,
        operation_type: step.operation_type,
        server_id: ran.server_id,
        server_name: ran.server_name,
        status,
        attempts: ran.attempts,
        duration_ms: ran.result.duration_ms,
        error: ran.result.error || null,
        sequence,
      },
      now,
    );
  let shardLast = 0;
  for (let attempt = 1; ; attempt++) {
    const sequence = resultSequence(ctx.clock.now().getTime(), step.position, shardLast);
    try {
      if (await recordOnce(ctx, [targetUpdate, count(sequence), outboxPut(event(sequence))])) {
        // Counted once, where the result is recorded, however often the task is retried.
        ctx.signals?.metric("OperationServersFinished", 1);
        if (status === "failed") ctx.signals?.metric("OperationServersFailed", 1);
      }
      return {};
    } catch (error) {
      // The shard has a number at least as high (a result in the same millisecond, or a clock behind): go above it.
      if (!(error instanceof TransactionRejected && error.failedAt(1)) || attempt >= MAX_SEQUENCE_ATTEMPTS) throw error;
      const shard = await ctx.table.get<ProgressItem>(progressKey(step.organization_id, step.operation_id, step.position), {
        consistent: true,
      });
      shardLast = shard?.sequence ?? 0;
    }
  }
}

/** Attempts at numbering a result above its shard's last before giving up (each loses only to a newer result). */
const MAX_SEQUENCE_ATTEMPTS = 10;

/**
 * Writes a result unless an earlier attempt of this task already did (then the counters must not move twice);
 * true when this call wrote it.
 */
async function recordOnce(ctx: FleetContext, writes: TransactItem[]): Promise<boolean> {
  try {
    await ctx.table.transact(writes);
    return true;
  } catch (error) {
    if (error instanceof TransactionRejected && error.failedAt(0)) return false;
    throw error;
  }
}

function sinceStart(target: TargetItem, now: Date): number {
  const started = target.started_at ? Date.parse(target.started_at) : NaN;
  return Number.isFinite(started) ? Math.max(0, now.getTime() - started) : 0;
}

function failedRun(step: ServerStep): ServerRunResult {
  const failure = step.failure!;
  const message = failureMessage(failure);
  const error =
    failure.Error === AgentUnavailable.errorName
      ? `agent unreachable after retries: ${message.slice(AgentUnavailable.errorName.length + 2)}`
      : failure.Error === "States.Timeout"
        ? `no result within ${step.task_timeout_seconds} s`
        : message;
  return { status: "failed", output: "", error: error.slice(0, 2048), duration_ms: 0 };
}
