// Bulk operations on the wire (snake_case), defined once: request validation, types and the OpenAPI document.
import { z } from "@hono/zod-openapi";
import { IdString } from "../names.js";
import { HealthStatus } from "../servers/schema.js";

export const OPERATION_TYPES = ["restart_services", "update_config", "deploy_update", "run_health_check", "collect_diagnostics"] as const;
export const OPERATION_STATUSES = ["pending", "running", "completed", "partial", "failed", "cancelling", "cancelled"] as const;
export const TARGET_STATUSES = ["pending", "running", "succeeded", "failed", "skipped", "cancelled"] as const;
/** An operation in one of these states has ended; its counters no longer change. */
export const FINISHED_STATUSES = ["completed", "partial", "failed", "cancelled"] as const;

export const OperationType = z.enum(OPERATION_TYPES).openapi("OperationType");
export const OperationStatus = z.enum(OPERATION_STATUSES).openapi("OperationStatus");
export const TargetStatus = z.enum(TARGET_STATUSES).openapi("OperationTargetStatus");
export type OperationType = z.infer<typeof OperationType>;
export type OperationStatus = z.infer<typeof OperationStatus>;
export type TargetStatus = z.infer<typeof TargetStatus>;

const PERCENT = /^(100|[1-9]?[0-9])%$/;

/** A count, or a percentage of the targets ("10%"), as AWS Systems Manager's MaxConcurrency / MaxErrors. */
const countOrPercent = (minimum: number, maximum: number) =>
  z.union([z.number().int().min(minimum).max(maximum), z.string().regex(PERCENT, 'a percentage is written "N%" with N from 0 to 100')]);
export type CountOrPercent = number | string;

const Label = z.string().trim().min(1).max(64);

export const FilterCriteria = z
  .object({
    tags: z.array(Label).max(50).optional().openapi({ description: "every tag must match" }),
    regions: z.array(Label).max(50).optional(),
    environments: z.array(Label).max(50).optional(),
    health_statuses: z.array(HealthStatus).max(5).optional(),
  })
  .strict()
  .openapi("OperationFilterCriteria");
export type FilterCriteria = z.infer<typeof FilterCriteria>;

export const MAX_TIMEOUT_SECONDS = 600;
/** Requested server ids echoed on the operation; all of them would make a 10,000-server operation's item ~400 KB. */
export const STORED_SERVER_IDS = 100;
/** Lambda's default concurrency quota per account and region; a higher number would only be throttled. */
export const MAX_CONCURRENCY = 1_000;
export const DEFAULT_TIMEOUT_SECONDS = 300;

export const OperationCreate = z
  .object({
    operation_type: OperationType,
    server_ids: z.array(IdString).max(10_000).optional(),
    group_ids: z.array(IdString).max(100).optional(),
    filter_criteria: FilterCriteria.optional().openapi({
      description: "narrows the servers named by server_ids/group_ids, or selects from the whole fleet when neither is given",
    }),
    parameters: z.record(z.string(), z.unknown()).default({}),
    max_concurrency: countOrPercent(1, MAX_CONCURRENCY)
      .default(10)
      .openapi({ description: 'servers running at once: a number, or "N%" of the targets (at least 1)' }),
    max_errors: countOrPercent(0, 100_000)
      .default(0)
      .openapi({ description: 'failures tolerated before no new server starts: a number, or "N%" of the targets' }),
    timeout_seconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).default(DEFAULT_TIMEOUT_SECONDS),
    dry_run: z.boolean().default(false),
    idempotency_key: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[\w.:@-]+$/, "idempotency keys are letters, digits and . : @ - _")
      .optional(),
  })
  .strict()
  .openapi("OperationCreate", {
    description: "parameters follow the operation type's schema: RestartServicesParameters, UpdateConfigParameters, ...",
    example: {
      operation_type: "restart_services",
      filter_criteria: { tags: ["web"], environments: ["production"] },
      parameters: { services: ["nginx"] },
      max_concurrency: "10%",
      max_errors: 2,
    },
  });
export type OperationCreate = z.infer<typeof OperationCreate>;

export const Operation = z
  .object({
    id: z.string(),
    organization_id: z.string(),
    operation_type: OperationType,
    status: OperationStatus,
    total_servers: z.number().int(),
    completed_servers: z.number().int().openapi({ description: "servers that succeeded" }),
    failed_servers: z.number().int(),
    skipped_servers: z.number().int().openapi({ description: "never started because max_errors was exceeded" }),
    cancelled_servers: z.number().int().openapi({ description: "never started because the operation was cancelled" }),
    progress_percent: z.number(),
    parameters: z.record(z.string(), z.unknown()),
    targets: z
      .object({
        server_ids: z
          .array(z.string())
          .openapi({ description: `as requested, the first ${STORED_SERVER_IDS} (the resolved list is GET /operations/{id}/servers)` }),
        server_id_count: z.number().int(),
        group_ids: z.array(z.string()),
        filter_criteria: FilterCriteria.nullable(),
      })
      .openapi({ description: "the targeting as requested; targets were resolved from it once, at creation" }),
    max_concurrency: z.union([z.number(), z.string()]),
    max_errors: z.union([z.number(), z.string()]),
    effective_max_concurrency: z.number().int(),
    effective_max_errors: z.number().int(),
    timeout_seconds: z.number().int(),
    idempotency_key: z.string().nullable(),
    initiated_by: z.string(),
    error_summary: z.string().nullable(),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Operation");
export type Operation = z.infer<typeof Operation>;

export const DryRunTarget = z.object({
  id: z.string(),
  name: z.string(),
  hostname: z.string(),
  region: z.string().nullable(),
  environment: z.string().nullable(),
  health_status: HealthStatus,
});

export const DryRun = z
  .object({
    dry_run: z.literal(true),
    operation_type: OperationType,
    parameters: z.record(z.string(), z.unknown()),
    total_servers: z.number().int(),
    effective_max_concurrency: z.number().int(),
    effective_max_errors: z.number().int(),
    servers: z.array(DryRunTarget),
  })
  .openapi("OperationDryRun");
export type DryRun = z.infer<typeof DryRun>;

export const OperationTarget = z
  .object({
    server_id: z.string(),
    server_name: z.string(),
    status: TargetStatus,
    attempts: z.number().int(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    duration_ms: z.number().nullable(),
    output: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi("OperationTarget");
export type OperationTarget = z.infer<typeof OperationTarget>;

export const OperationListQuery = z.object({
  status: OperationStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});
export type OperationListQuery = z.infer<typeof OperationListQuery>;

export const OperationTargetQuery = z.object({
  status: TargetStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
});
export type OperationTargetQuery = z.infer<typeof OperationTargetQuery>;

export const OperationPage = z.object({ items: z.array(Operation), next_cursor: z.string().nullable() }).openapi("OperationPage");
export const OperationTargetPage = z
  .object({ items: z.array(OperationTarget), next_cursor: z.string().nullable() })
  .openapi("OperationTargetPage");
