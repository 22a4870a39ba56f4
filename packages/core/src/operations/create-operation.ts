// Creating a bulk operation: validate, resolve the targets once, store them, start the workflow; or answer a dry run.
import { createHash } from "node:crypto";
import type { Caller, FleetContext } from "../context.js";
import { Conflict, ValidationFailed } from "../errors.js";
import { newId } from "../ids.js";
import { epochSeconds } from "../clock.js";
import { keys } from "../store/keys.js";
import { TransactionRejected } from "../store/table.js";
import { toServer } from "../servers/server-item.js";
import { validParameters } from "./kinds/index.js";
import { effectiveConcurrency, effectiveMaxErrors } from "./limits.js";
import { mergeOperation, newTargetItem, toOperation, unfinishedIndexKeys, type OperationItem } from "./operation-item.js";
import { getOperation } from "./queries.js";
import { STORED_SERVER_IDS, type DryRun, type Operation, type OperationCreate } from "./schema.js";
import { resolveTargets } from "./targeting.js";

export type CreateResult = { dryRun: DryRun } | { operation: Operation; created: boolean };

/** Reserved idempotency keys are honoured this long; a key reused later starts a new operation. */
export const IDEMPOTENCY_KEY_SECONDS = 24 * 3600;

interface KeyReservation {
  operation_id: string;
  fingerprint: string;
}

export async function createOperation(ctx: FleetContext, caller: Caller, request: OperationCreate): Promise<CreateResult> {
  const organizationId = caller.organizationId;
  const parameters = validParameters(request.operation_type, request.parameters);
  const fingerprint = fingerprintOf({ ...request, parameters });

  if (request.idempotency_key && !request.dry_run) {
    const existing = await replay(ctx, organizationId, request.idempotency_key, fingerprint);
    if (existing) return { operation: existing, created: false };
  }

  const targets = await resolveTargets(ctx, organizationId, request);
  const limit = ctx.config.operations.maxTargets;
  if (targets.length > limit) {
    throw new ValidationFailed(`an operation targets at most ${limit} servers`, [
      { path: "server_ids", message: `the targets resolve to ${targets.length} servers` },
    ]);
  }
  // The deployment's cap keeps one operation from taking the account's Lambda concurrency from the API.
  const concurrency = Math.min(effectiveConcurrency(request.max_concurrency, targets.length), ctx.config.operations.maxServersInFlight);
  const maxErrors = effectiveMaxErrors(request.max_errors, targets.length);

  if (request.dry_run) {
    return {
      dryRun: {
        dry_run: true,
        operation_type: request.operation_type,
        parameters,
        total_servers: targets.length,
        effective_max_concurrency: concurrency,
        effective_max_errors: maxErrors,
        servers: targets.map(toServer).map(({ id, name, hostname, region, environment, health_status }) => ({
          id,
          name,
          hostname,
          region,
          environment,
          health_status,
        })),
      },
    };
  }
  if (targets.length === 0) {
    throw new ValidationFailed("no server matches the targets", [
      { path: "filter_criteria", message: "the targets resolve to no active server" },
    ]);
  }
  const workflows = ctx.workflows;
  if (!workflows) throw new Error("bulk operations are not wired in this runtime: no workflow runner (FLEETPLANE_STATE_MACHINE_ARN)");

  const now = ctx.clock.now();
  const createdAt = now.toISOString();
  const id = newId(now.getTime());
  const expiresAt = epochSeconds(now) + ctx.config.operations.retentionSeconds;
  const item: OperationItem = {
    ...keys.operation(organizationId, id),
    entity: "operation",
    ...unfinishedIndexKeys(id, createdAt),
    id,
    organization_id: organizationId,
    operation_type: request.operation_type,
    status: "pending",
    total_servers: targets.length,
    parameters,
    targets: {
      server_ids: (request.server_ids ?? []).slice(0, STORED_SERVER_IDS),
      server_id_count: request.server_ids?.length ?? 0,
      group_ids: request.group_ids ?? [],
      filter_criteria: request.filter_criteria ?? null,
    },
    max_concurrency: request.max_concurrency,
    max_errors: request.max_errors,
    effective_max_concurrency: concurrency,
    effective_max_errors: maxErrors,
    timeout_seconds: request.timeout_seconds,
    idempotency_key: request.idempotency_key ?? null,
    initiated_by: caller.keyId,
    error_summary: null,
    started_at: null,
    completed_at: null,
    created_at: createdAt,
    updated_at: createdAt,
    expires_at: expiresAt,
  };

  // The target list first: until the operation item exists nothing reads it, and a lost race deletes it again.
  await ctx.table.batchWrite(
    targets.map((server, position) => ({ put: { ...newTargetItem(organizationId, id, position, server, expiresAt) } })),
  );
  try {
    await ctx.table.transact([
      { Put: { Item: item, ConditionExpression: "attribute_not_exists(pk)" } },
      ...(request.idempotency_key
        ? [
            {
              Put: {
                Item: {
                  ...keys.operationIdempotencyKey(organizationId, request.idempotency_key),
                  entity: "operation_key",
                  operation_id: id,
                  fingerprint,
                  expires_at: epochSeconds(now) + IDEMPOTENCY_KEY_SECONDS,
                },
                ConditionExpression: "attribute_not_exists(pk) OR expires_at < :now",
                ExpressionAttributeValues: { ":now": epochSeconds(now) },
              },
            },
          ]
        : []),
    ]);
  } catch (error) {
    if (!(error instanceof TransactionRejected && error.failedAt(1) && request.idempotency_key)) throw error;
    // A concurrent request with the same key won: drop this attempt's targets and answer with its operation.
    await ctx.table.batchWrite(targets.map((_, position) => ({ delete: keys.operationTarget(organizationId, id, position) })));
    const winner = await replay(ctx, organizationId, request.idempotency_key, fingerprint);
    if (!winner) throw error;
    return { operation: winner, created: false };
  }

  await startWorkflow(ctx, organizationId, id);
  return { operation: toOperation(mergeOperation(item, [])), created: true };
}

/** The operation a reserved key points to (its workflow started again if it never got going), or undefined. */
async function replay(ctx: FleetContext, organizationId: string, key: string, fingerprint: string): Promise<Operation | undefined> {
  const reservation = await ctx.table.get<KeyReservation>(keys.operationIdempotencyKey(organizationId, key), { consistent: true });
  if (!reservation) return undefined;
  if (reservation.fingerprint !== fingerprint) {
    throw new Conflict("idempotency_key was already used for a different operation request", [
      { path: "idempotency_key", message: "use a new key for a different request" },
    ]);
  }
  const operation = await getOperation(ctx, organizationId, reservation.operation_id);
  // Starting is idempotent (the execution is named after the operation), so a retry heals a start that failed midway.
  if (operation.status === "pending") await startWorkflow(ctx, organizationId, operation.id);
  return operation;
}

async function startWorkflow(ctx: FleetContext, organizationId: string, operationId: string): Promise<void> {
  try {
    await ctx.workflows!.start({ organization_id: organizationId, operation_id: operationId });
  } catch (error) {
    const now = ctx.clock.now().toISOString();
    await ctx.table
      .update({
        Key: keys.operation(organizationId, operationId),
        UpdateExpression: "SET #status = :failed, error_summary = :summary, completed_at = :now, updated_at = :now REMOVE gsi1pk, gsi1sk",
        ConditionExpression: "#status = :pending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":failed": "failed",
          ":pending": "pending",
          ":now": now,
          ":summary": `the workflow could not be started: ${(error as Error).message}`,
        },
      })
      .catch(() => undefined);
    throw error;
  }
}

/** Same request ⇔ same fingerprint, whatever the key order of the JSON the client sent. */
function fingerprintOf(request: OperationCreate): string {
  const { idempotency_key: _key, dry_run: _dryRun, ...rest } = request;
  return createHash("sha256").update(canonical(rest)).digest("hex");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
