// Health-check records: the wire shape (DESIGN.md) and their compact packed form in a group's check items.
import { z } from "@hono/zod-openapi";
import type { AgentFailure } from "../agents/agent-client.js";
import type { AgentHealth } from "../agents/protocol.js";
import { HealthStatus as HealthStatusSchema } from "../servers/schema.js";

export type HealthStatus = z.infer<typeof HealthStatusSchema>;

export const HealthCheck = z
  .object({
    server_id: z.string(),
    timestamp: z.string(),
    status: HealthStatusSchema,
    response_time_ms: z.number().nullable(),
    database_healthy: z.boolean().nullable(),
    redis_healthy: z.boolean().nullable(),
    services_healthy: z.boolean().nullable(),
    error_message: z.string().nullable(),
    error_details: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("HealthCheck");
export type HealthCheck = z.infer<typeof HealthCheck>;

/** One check's outcome, as the agent client gave it. */
export type CheckOutcome =
  { ok: true; health: AgentHealth; response_time_ms: number } | { ok: false; error: AgentFailure; response_time_ms: number };

/** Packed: [status, response_time_ms, database, redis, services, error kind, error message, http status]. */
type Packed = [string, number | null, 0 | 1 | null, 0 | 1 | null, 0 | 1 | null, string?, string?, number?];

const flag = (component: { healthy: boolean } | undefined): 0 | 1 | null => (component === undefined ? null : component.healthy ? 1 : 0);
const bool = (value: 0 | 1 | null | undefined): boolean | null => (value === null || value === undefined ? null : value === 1);

/** Statuses packed as one letter each. */
const CODE: Record<string, string> = { healthy: "h", degraded: "d", critical: "c", unreachable: "u" };
const STATUS: Record<string, HealthStatus> = { h: "healthy", d: "degraded", c: "critical", u: "unreachable" };

export function packCheck(outcome: CheckOutcome): Packed {
  if (outcome.ok) {
    const c = outcome.health.components;
    return [CODE[outcome.health.status]!, outcome.response_time_ms, flag(c.database), flag(c.redis), flag(c.services)];
  }
  const e = outcome.error;
  const packed: Packed = ["u", outcome.response_time_ms, null, null, null, e.kind, e.message.slice(0, 300)];
  if (e.status !== undefined) packed.push(e.status);
  return packed;
}

export function unpackCheck(serverId: string, timestamp: string, packed: Packed): HealthCheck {
  const [status, rt, db, redis, services, kind, message, httpStatus] = packed;
  return {
    server_id: serverId,
    timestamp,
    status: STATUS[status] ?? (status as HealthStatus),
    response_time_ms: rt,
    database_healthy: bool(db),
    redis_healthy: bool(redis),
    services_healthy: bool(services),
    error_message: message ?? null,
    error_details: kind ? { kind, ...(httpStatus !== undefined ? { http_status: httpStatus } : {}) } : null,
  };
}

export type PackedChecks = Record<string, Packed>;
