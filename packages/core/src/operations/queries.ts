// Reading operations: one by id, the organization's list newest first, and one operation's per-server progress.
import type { FleetContext } from "../context.js";
import { NotFound, ValidationFailed } from "../errors.js";
import { isId } from "../ids.js";
import { keys, OPERATION_PREFIX, TARGET_PREFIX } from "../store/keys.js";
import {
  mergeOperation,
  PROGRESS_SHARDS,
  toOperation,
  toTarget,
  type OperationItem,
  type OperationState,
  type ProgressItem,
  type TargetItem,
} from "./operation-item.js";
import type { Operation, OperationListQuery, OperationTarget, OperationTargetQuery } from "./schema.js";

/** Items examined per list request at most; a selective status filter returns a short page and a cursor. */
const LIST_SCAN_BUDGET = 2_000;

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** The operation and its counters, read together by one strongly consistent Query. */
export async function loadOperation(ctx: FleetContext, organizationId: string, id: string): Promise<OperationState> {
  if (!isId(id)) throw new NotFound(`operation ${id} not found`);
  const { items } = await ctx.table.query<OperationItem | ProgressItem>({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.organizationPartition(organizationId), ":prefix": keys.operation(organizationId, id).sk },
    ConsistentRead: true,
  });
  const operation = items.find((i): i is OperationItem => i.entity === "operation");
  if (!operation) throw new NotFound(`operation ${id} not found`);
  return mergeOperation(
    operation,
    items.filter((i): i is ProgressItem => i.entity === "operation_progress"),
  );
}

export async function getOperation(ctx: FleetContext, organizationId: string, id: string): Promise<Operation> {
  return toOperation(await loadOperation(ctx, organizationId, id));
}

/** Newest first. Each operation's counter shards sort just after it, so a reverse Query meets them first and keeps them until the operation arrives. */
export async function listOperations(ctx: FleetContext, organizationId: string, query: OperationListQuery): Promise<Page<Operation>> {
  const after = query.cursor ? decodeCursor(query.cursor, "string") : undefined;
  let start: Record<string, unknown> | undefined = typeof after === "string" ? { ...keys.operation(organizationId, after) } : undefined;
  const progress = new Map<string, ProgressItem[]>();
  const found: OperationState[] = [];
  let examined = 0;
  let lastExamined: OperationItem | undefined;
  while (examined < LIST_SCAN_BUDGET) {
    const page = await ctx.table.query<OperationItem | ProgressItem>({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.organizationPartition(organizationId), ":prefix": OPERATION_PREFIX },
      ScanIndexForward: false,
      ExclusiveStartKey: start,
      Limit: query.status ? 500 : (PROGRESS_SHARDS + 1) * (query.limit + 1 - found.length),
    });
    for (const item of page.items) {
      if (item.entity === "operation_progress") {
        progress.set(item.operation_id, [...(progress.get(item.operation_id) ?? []), item]);
        continue;
      }
      if (item.entity !== "operation") continue;
      examined += 1;
      lastExamined = item;
      if (!query.status || item.status === query.status) found.push(mergeOperation(item, progress.get(item.id) ?? []));
      progress.delete(item.id);
      if (found.length > query.limit)
        return { items: found.slice(0, query.limit).map(toOperation), next_cursor: encodeCursor(found[query.limit - 1]!.id) };
    }
    if (!page.lastKey) return { items: found.map(toOperation), next_cursor: null };
    start = page.lastKey;
  }
  return { items: found.map(toOperation), next_cursor: lastExamined ? encodeCursor(lastExamined.id) : null };
}

export async function listOperationTargets(
  ctx: FleetContext,
  organizationId: string,
  id: string,
  query: OperationTargetQuery,
): Promise<Page<OperationTarget>> {
  await loadOperation(ctx, organizationId, id);
  const after = query.cursor ? decodeCursor(query.cursor, "number") : undefined;
  const page = await filteredPage<TargetItem>(ctx, {
    pk: keys.operationTargets(organizationId, id),
    prefix: TARGET_PREFIX,
    start: typeof after === "number" ? keys.operationTarget(organizationId, id, after) : undefined,
    status: query.status,
    limit: query.limit,
  });
  return { items: page.items.map(toTarget), next_cursor: page.last ? encodeCursor(page.last.position) : null };
}

interface PageRequest {
  pk: string;
  prefix: string;
  start: { pk: string; sk: string } | undefined;
  status: string | undefined;
  limit: number;
}

/** Up to `limit` items matching the status filter; `last` is the item to continue after, when more may follow. */
async function filteredPage<T extends { status: string }>(
  ctx: FleetContext,
  request: PageRequest,
): Promise<{ items: T[]; last: T | undefined }> {
  const found: T[] = [];
  let start: Record<string, unknown> | undefined = request.start;
  let examined = 0;
  let lastExamined: T | undefined;
  while (examined < LIST_SCAN_BUDGET) {
    const page = await ctx.table.query<T>({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": request.pk, ":prefix": request.prefix },
      ExclusiveStartKey: start,
      Limit: request.status ? 500 : request.limit + 1 - found.length,
    });
    for (const item of page.items) {
      examined += 1;
      lastExamined = item;
      if (!request.status || item.status === request.status) found.push(item);
      if (found.length > request.limit) return { items: found.slice(0, request.limit), last: found[request.limit - 1] };
    }
    if (!page.lastKey) return { items: found, last: undefined };
    start = page.lastKey;
  }
  return { items: found, last: lastExamined };
}

function encodeCursor(after: string | number): string {
  return Buffer.from(JSON.stringify({ after })).toString("base64url");
}

/** An operations cursor holds an operation id; a targets cursor a position. Either list refuses the other's cursor. */
function decodeCursor(cursor: string, kind: "string" | "number"): string | number {
  try {
    const { after } = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown };
    if (kind === "string" && typeof after === "string" && after.length <= 64) return after;
    if (kind === "number" && typeof after === "number" && Number.isInteger(after) && after >= 0) return after;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationFailed("cursor is not valid", [{ path: "cursor", message: "use next_cursor from a previous page" }]);
}
