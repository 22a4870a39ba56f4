// The agent wire contract (DESIGN.md "Agent protocol"): payload shapes shared by the agent and the simulator.

export const OPERATION_TYPES = ["restart_services", "update_config", "deploy_update", "run_health_check", "collect_diagnostics"] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

export function isOperationType(value: unknown): value is OperationType {
  return typeof value === "string" && (OPERATION_TYPES as readonly string[]).includes(value);
}

export type HealthStatus = "healthy" | "degraded" | "critical";

export interface ComponentHealth {
  healthy: boolean;
  latency_ms: number;
  error?: string;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: HealthStatus;
  version: string;
  components: Record<string, ComponentHealth>;
}

export interface MetricsPoint {
  timestamp: string;
  period: "1m";
  cpu_percent: number;
  memory_percent: number;
  disk_percent: number;
  network_rx_bytes: number;
  network_tx_bytes: number;
  active_services: number;
  failed_services: number;
  total_services: number;
  llm_requests: number;
  llm_cost_usd: number;
  active_users: number;
  total_users: number;
}

export interface MetricsPage {
  samples: MetricsPoint[];
  cursor: string;
}

export interface OperationRequest {
  operation_type: OperationType;
  parameters: Record<string, unknown>;
  idempotency_key?: string;
  timeout_seconds?: number;
}

export interface OperationResult {
  status: "succeeded" | "failed";
  output: string;
  error: string;
  duration_ms: number;
}

export interface ErrorDetail {
  path: string;
  message: string;
}

/** Thrown for a request that cannot be served; mapped to the DESIGN.md error body in one place (http/exchange.ts). */
export class RequestRejected extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/**
 * Validates the envelope of POST /api/v1/operations. The type is checked here (400 when unknown);
 * whether this server allows it (403) and its parameters are checked by the operation catalog.
 */
export function parseOperationRequest(body: unknown): OperationRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new RequestRejected(400, "validation_failed", "body must be a JSON object");
  }
  const raw = body as Record<string, unknown>;
  const details: ErrorDetail[] = [];
  if (!isOperationType(raw.operation_type)) {
    details.push({ path: "operation_type", message: `must be one of ${OPERATION_TYPES.join(", ")}` });
  }
  const parameters = raw.parameters ?? {};
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
    details.push({ path: "parameters", message: "must be an object" });
  }
  const key = raw.idempotency_key;
  if (key !== undefined && key !== null && (typeof key !== "string" || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
    details.push({ path: "idempotency_key", message: `must be a string of 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters` });
  }
  const timeout = raw.timeout_seconds;
  if (timeout !== undefined && timeout !== null && (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= 0)) {
    details.push({ path: "timeout_seconds", message: "must be a positive number" });
  }
  if (details.length > 0) {
    const unknownType = details.some((d) => d.path === "operation_type");
    throw new RequestRejected(400, unknownType ? "unknown_operation_type" : "validation_failed", details[0]!.message, details);
  }
  return {
    operation_type: raw.operation_type as OperationType,
    parameters: parameters as Record<string, unknown>,
    ...(typeof key === "string" ? { idempotency_key: key } : {}),
    ...(typeof timeout === "number" ? { timeout_seconds: timeout } : {}),
  };
}
