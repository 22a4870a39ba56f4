// How operations and their per-server progress are stored, and the public records built from them.
import { keys, UNFINISHED_OPERATIONS } from "../store/keys.js";
import type { Operation, OperationTarget, TargetStatus } from "./schema.js";

export const COUNTERS = ["completed_servers", "failed_servers", "skipped_servers", "cancelled_servers"] as const;
export type Counters = Record<(typeof COUNTERS)[number], number>;

/** The operation as stored: its request, status and timestamps. Written a handful of times per operation. */
export interface OperationItem extends Omit<Operation, "progress_percent" | keyof Counters> {
  pk: string;
  sk: string;
  entity: "operation";
  /** Present only while the operation is unfinished: puts it in the gsi1 list a restarted runtime resumes from. */
  gsi1pk?: string;
  gsi1sk?: string;
  expires_at: number;
}

/**
 * Results are counted in this many shards (a target's shard is its position modulo this), so that up to
 * 1,000 servers finishing at once do not all conflict on one item in DynamoDB transactions.
 */
export const PROGRESS_SHARDS = 16;

export function progressKey(organizationId: string, operationId: string, position: number) {
  return keys.operationProgress(organizationId, operationId, position % PROGRESS_SHARDS);
}

/** One shard of the operation's counters (keys.operationProgress), created by the first result counted in it. */
export interface ProgressItem extends Counters {
  pk: string;
  sk: string;
  entity: "operation_progress";
  operation_id: string;
  updated_at: string;
  expires_at: number;
  /** The progress sequence of the last `Server Operation Finished` event counted in this shard (resultSequence). */
  sequence?: number;
}

/** What domain code works with: the operation and its counters, read together. */
export type OperationState = OperationItem &
  Counters & {
    /** The highest progress sequence any shard has issued (0: none yet). */
    progress_sequence: number;
  };

/**
 * The operation's progress sequence, carried by its events as `data.sequence`: `Bulk Operation Started` is 1,
 * each `Server Operation Finished` is resultSequence, and `Bulk Operation Finished` is one above the highest
 * any shard issued. No item is shared by all results (the counters are sharded so concurrent results do not
 * conflict), so a result's number is 16 × the time in ms + its shard, written to its shard conditioned on being
 * higher than the shard's last: unique across shards, growing within one, and in time order between them.
 */
export const STARTED_SEQUENCE = 1;

/** A result's progress sequence: 16 × ms + shard, or the shard's next number above `shardLast` when that is higher. */
export function resultSequence(nowMs: number, position: number, shardLast = 0): number {
  const candidate = nowMs * PROGRESS_SHARDS + (position % PROGRESS_SHARDS);
  return candidate > shardLast ? candidate : shardLast + PROGRESS_SHARDS;
}

export function finishedSequence(operation: Pick<OperationState, "progress_sequence">): number {
  return Math.max(STARTED_SEQUENCE, operation.progress_sequence) + 1;
}

/**
 * The update that counts one settled target in its shard (creating the shard item on first use); with a
 * `sequence`, also records it as the shard's last, on condition it is higher (a result with an event).
 */
export function countUpdate(
  organizationId: string,
  operationId: string,
  position: number,
  counter: (typeof COUNTERS)[number],
  now: Date,
  retentionSeconds: number,
  sequence?: number,
) {
  const values = {
    ":now": now.toISOString(),
    ":entity": "operation_progress",
    ":id": operationId,
    ":expires": Math.floor(now.getTime() / 1000) + retentionSeconds,
    ":one": 1,
  };
  const set = "SET updated_at = :now, entity = :entity, operation_id = :id, expires_at = if_not_exists(expires_at, :expires)";
  if (sequence === undefined)
    return {
      Key: progressKey(organizationId, operationId, position),
      UpdateExpression: `${set} ADD ${counter} :one`,
      ExpressionAttributeValues: values,
    };
  return {
    Key: progressKey(organizationId, operationId, position),
    UpdateExpression: `${set}, #sequence = :sequence ADD ${counter} :one`,
    ConditionExpression: "attribute_not_exists(#sequence) OR #sequence < :sequence",
    ExpressionAttributeNames: { "#sequence": "sequence" },
    ExpressionAttributeValues: { ...values, ":sequence": sequence },
  };
}

export function mergeOperation(operation: OperationItem, shards: ProgressItem[]): OperationState {
  const counters = Object.fromEntries(COUNTERS.map((c) => [c, shards.reduce((sum, shard) => sum + (shard[c] ?? 0), 0)])) as Counters;
  const updated_at = shards.reduce((latest, shard) => (shard.updated_at > latest ? shard.updated_at : latest), operation.updated_at);
  const progress_sequence = shards.reduce((highest, shard) => Math.max(highest, shard.sequence ?? 0), 0);
  return { ...operation, ...counters, updated_at, progress_sequence };
}

export interface TargetItem {
  pk: string;
  sk: string;
  entity: "operation_target";
  position: number;
  server_id: string;
  server_name: string;
  status: TargetStatus;
  attempts: number;
  started_at?: string | null;
  finished_at?: string | null;
  duration_ms?: number | null;
  output?: string | null;
  error?: string | null;
  expires_at: number;
}

export function unfinishedIndexKeys(id: string, createdAt: string): { gsi1pk: string; gsi1sk: string } {
  return { gsi1pk: UNFINISHED_OPERATIONS, gsi1sk: `${createdAt}#${id}` };
}

export function newTargetItem(
  organizationId: string,
  operationId: string,
  position: number,
  server: { id: string; name: string },
  expiresAt: number,
): TargetItem {
  return {
    ...keys.operationTarget(organizationId, operationId, position),
    entity: "operation_target",
    position,
    server_id: server.id,
    server_name: server.name,
    status: "pending",
    attempts: 0,
    expires_at: expiresAt,
  };
}

/** Servers whose outcome is known, as a share of all targets (one decimal). */
export function progressPercent(
  item: Pick<Operation, "total_servers" | "completed_servers" | "failed_servers" | "skipped_servers" | "cancelled_servers" | "status">,
): number {
  if (item.total_servers === 0) return isFinished(item.status) ? 100 : 0;
  const done = item.completed_servers + item.failed_servers + item.skipped_servers + item.cancelled_servers;
  return Math.round((1000 * done) / item.total_servers) / 10;
}

export function isFinished(status: Operation["status"]): boolean {
  return status === "completed" || status === "partial" || status === "failed" || status === "cancelled";
}

const OPERATION_FIELDS = [
  "id",
  "organization_id",
  "operation_type",
  "status",
  "total_servers",
  "completed_servers",
  "failed_servers",
  "skipped_servers",
  "cancelled_servers",
  "parameters",
  "targets",
  "max_concurrency",
  "max_errors",
  "effective_max_concurrency",
  "effective_max_errors",
  "timeout_seconds",
  "idempotency_key",
  "initiated_by",
  "error_summary",
  "started_at",
  "completed_at",
  "created_at",
  "updated_at",
] as const satisfies ReadonlyArray<keyof OperationState>;

export function toOperation(item: OperationState): Operation {
  const operation = {} as Record<string, unknown>;
  for (const field of OPERATION_FIELDS) operation[field] = item[field] ?? null;
  const record = operation as Operation;
  record.progress_percent = progressPercent(record);
  return record;
}

export function toTarget(item: TargetItem): OperationTarget {
  return {
    server_id: item.server_id,
    server_name: item.server_name,
    status: item.status,
    attempts: item.attempts ?? 0,
    started_at: item.started_at ?? null,
    finished_at: item.finished_at ?? null,
    duration_ms: item.duration_ms ?? null,
    output: item.output ?? null,
    error: item.error ?? null,
  };
}

/** Cuts text to at most `bytes` UTF-8 bytes without splitting a character. */
export function truncateBytes(text: string, bytes: number): string {
  const buffer = Buffer.from(text, "utf8");
  if (buffer.length <= bytes) return text;
  return (
    buffer
      .subarray(0, bytes)
      .toString("utf8")
      .replace(/\uFFFD$/, "") + "\n…[truncated]"
  );
}
