// Reading operations: one by id, the organization's list newest first, and one operation's per-server progress.
import type { FleetContext } from "../context.js";
import { NotFound, ValidationFailed } from "../errors.js";
import { isId } from "../ids.js";
import { keys, OPERATION_PREFIX, TARGET_PREFIX } from "../store/keys.js";
import { toOperation, toTarget, type OperationItem, type TargetItem } from "./operation-item.js";
import type { Operation, OperationListQuery, OperationTarget, OperationTargetQuery } from "./schema.js";

/** Items examined per list request at most; a selective status filter returns a short page and a cursor. */
const LIST_SCAN_BUDGET = 2_000;

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export async function operationItem(ctx: FleetContext, organizationId: string, id: string): Promise<OperationItem> {
  const item = isId(id) ? await ctx.table.get<OperationItem>(keys.operation(organizationId, id), { consistent: true }) : undefined;
  if (!item) throw new NotFound(`operation ${id} not found`);
  return item;
}

export async function getOperation(ctx: FleetContext, organizationId: string, id: string): Promise<Operation> {
  return toOperation(await operationItem(ctx, organizationId, id));
}

export async function listOperations(ctx: FleetContext, organizationId: string, query: OperationListQuery): Promise<Page<Operation>> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const page = await filteredPage<OperationItem>(ctx, {
    pk: keys.organizationPartition(organizationId),
    prefix: OPERATION_PREFIX,
    start: typeof after === "string" ? keys.operation(organizationId, after) : undefined,
    newestFirst: true,
    status: query.status,
    limit: query.limit,
  });
  return { items: page.items.map(toOperation), next_cursor: page.last ? encodeCursor(page.last.id) : null };
}

export async function listOperationTargets(ctx: FleetContext, organizationId: string, id: string, query: OperationTargetQuery): Promise<Page<OperationTarget>> {
  await operationItem(ctx, organizationId, id);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const page = await filteredPage<TargetItem>(ctx, {
    pk: keys.operationTargets(organizationId, id),
    prefix: TARGET_PREFIX,
    start: typeof after === "number" ? keys.operationTarget(organizationId, id, after) : undefined,
    newestFirst: false,
    status: query.status,
    limit: query.limit,
  });
  return { items: page.items.map(toTarget), next_cursor: page.last ? encodeCursor(page.last.position) : null };
}

interface PageRequest {
  pk: string;
  prefix: string;
  start: { pk: string; sk: string } | undefined;
  newestFirst: boolean;
  status: string | undefined;
  limit: number;
}

/** Up to `limit` items matching the status filter; `last` is the item to continue after, when more may follow. */
async function filteredPage<T extends { status: string }>(ctx: FleetContext, request: PageRequest): Promise<{ items: T[]; last: T | undefined }> {
  const found: T[] = [];
  let start: Record<string, unknown> | undefined = request.start;
  let examined = 0;
  let lastExamined: T | undefined;
  while (examined < LIST_SCAN_BUDGET) {
    const page = await ctx.table.query<T>({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": request.pk, ":prefix": request.prefix },
      ScanIndexForward: !request.newestFirst,
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

function decodeCursor(cursor: string): string | number {
  try {
    const { after } = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown };
    if ((typeof after === "string" && after.length <= 64) || (typeof after === "number" && Number.isInteger(after) && after >= 0)) return after;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationFailed("cursor is not valid", [{ path: "cursor", message: "use next_cursor from a previous page" }]);
}
