// The server record on the wire (snake_case), defined once: types, validation and OpenAPI come from here.
import { z } from "@hono/zod-openapi";

export const SERVER_STATUSES = ["active", "inactive", "maintenance", "decommissioned"] as const;
export const HEALTH_STATUSES = ["healthy", "degraded", "critical", "unreachable", "unknown"] as const;

export const ServerStatus = z.enum(SERVER_STATUSES).openapi("ServerStatus");
export const HealthStatus = z.enum(HEALTH_STATUSES).openapi("HealthStatus");

const label = (max: number) => z.string().trim().min(1).max(max);
const Tag = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\w.:/@+=-]+$/, "tags are letters, digits and . : / @ + = - _");

/** Free-form metadata, bounded so one server item stays far below DynamoDB's 400 KB. */
const Metadata = z
  .record(z.string(), z.unknown())
  .refine((m) => JSON.stringify(m).length <= 16_384, "metadata must serialize to at most 16 KiB");

export const ServerCreate = z
  .object({
    name: label(128).regex(/^[\w.-]+$/, "names are letters, digits, '.', '-' and '_'"),
    description: z.string().max(1024).nullish(),
    hostname: label(253),
    api_url: z.string().trim().max(2048),
    api_token: z.string().min(1).max(4096),
    version: label(64).nullish(),
    region: label(64).nullish(),
    environment: label(64).nullish(),
    status: z.enum(["active", "inactive", "maintenance"]).optional(),
    tags: z.array(Tag).max(50).optional(),
    metadata: Metadata.optional(),
  })
  .strict()
  .openapi("ServerCreate", {
    example: {
      name: "prod-east-1",
      hostname: "prod-east-1.example.com",
      api_url: "https://prod-east-1.example.com",
      api_token: "secret_token_here",
      region: "us-east-1",
      environment: "production",
      tags: ["production", "critical"],
    },
  });
export type ServerCreate = z.infer<typeof ServerCreate>;

export const ServerUpdate = ServerCreate.partial()
  .extend({ status: ServerStatus.optional() })
  .strict()
  .refine((u) => Object.keys(u).length > 0, "send at least one field to change")
  .openapi("ServerUpdate", { example: { status: "maintenance", tags: ["production", "critical", "db"] } });
export type ServerUpdate = z.infer<typeof ServerUpdate>;

export const TokenRotation = z
  .object({ api_token: z.string().min(1).max(4096) })
  .strict()
  .openapi("TokenRotation", { example: { api_token: "new_secret_token" } });

export const Server = z
  .object({
    id: z.string(),
    organization_id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    hostname: z.string(),
    api_url: z.string(),
    version: z.string().nullable(),
    region: z.string().nullable(),
    environment: z.string().nullable(),
    status: ServerStatus,
    health_status: HealthStatus,
    last_seen_at: z.string().nullable(),
    last_health_check_at: z.string().nullable(),
    response_time_ms: z.number().nullable(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Server");
export type Server = z.infer<typeof Server>;

/** The orders GET /servers lists in; anything else is a 400. */
export const SERVER_SORTS = ["registered", "-registered", "name", "-name"] as const;

/** A server as the /servers endpoints answer it: the record and its latest check and metrics (events carry the record alone). */
export const ListedServer = Server.extend({
  last_check_at: z.string().nullable().openapi({
    description:
      "time of the latest health check: kept by every metrics cycle (60 s) and every check asked for, so at most one health interval (30 s) behind the latest check record; unlike last_health_check_at, which the server record keeps only on a change of health or a 15-minute heartbeat. null: never checked",
  }),
  cpu_percent: z
    .number()
    .nullable()
    .openapi({ description: "CPU percent of the latest metrics sample collected (one decimal); null: none yet" }),
  memory_percent: z
    .number()
    .nullable()
    .openapi({ description: "memory percent of the latest metrics sample collected (one decimal); null: none yet" }),
}).openapi("ListedServer");
export type ListedServer = z.infer<typeof ListedServer>;

const repeated = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()));

export const ServerListQuery = z.object({
  status: ServerStatus.optional(),
  health_status: HealthStatus.optional(),
  region: z.string().optional(),
  environment: z.string().optional(),
  tag: repeated.optional().openapi({ description: "repeatable; every tag must match" }),
  q: z.string().max(128).optional().openapi({ description: "case-insensitive search on name and hostname" }),
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: "servers per page" }),
  cursor: z.string().max(512).optional().openapi({ description: "the next_cursor of the previous page" }),
  sort: z.enum(SERVER_SORTS).optional().openapi({
    description:
      "registration order, oldest first (registered, the default) or newest first (-registered); or by name, A to Z (name) or Z to A (-name): names compared case-insensitively (lower-cased), then by Unicode code point, so '-' < '.' < digits < '_' < letters and 'web' < 'web-1'. A cursor continues only the order it came from.",
  }),
});
export type ServerListQuery = z.infer<typeof ServerListQuery>;

export const ServerPage = z.object({ items: z.array(ListedServer), next_cursor: z.string().nullable() }).openapi("ServerPage");
