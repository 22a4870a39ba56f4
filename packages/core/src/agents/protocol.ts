// The agent protocol (fixed): what the control plane expects back from each server's agent.
import { z } from "zod";

const Component = z.object({ healthy: z.boolean(), latency_ms: z.number().nonnegative().optional() }).passthrough();

export const AgentHealth = z.object({
  status: z.enum(["healthy", "degraded", "critical"]),
  version: z.string().max(128).optional(),
  components: z.record(z.string(), Component).default({}),
});
export type AgentHealth = z.infer<typeof AgentHealth>;

const count = z.number().nonnegative();
const percent = z.number().min(0).max(100);

export const MetricsSample = z.object({
  timestamp: z.string(),
  period: z.literal("1m").optional(),
  cpu_percent: percent.nullish(),
  memory_percent: percent.nullish(),
  disk_percent: percent.nullish(),
  network_rx_bytes: count.nullish(),
  network_tx_bytes: count.nullish(),
  active_services: count.nullish(),
  failed_services: count.nullish(),
  total_services: count.nullish(),
  llm_requests: count.nullish(),
  llm_cost_usd: count.nullish(),
  active_users: count.nullish(),
  total_users: count.nullish(),
});
export type MetricsSample = z.infer<typeof MetricsSample>;

export const MetricsBuffer = z.object({ samples: z.array(MetricsSample), cursor: z.string().nullable() });
export type MetricsBuffer = z.infer<typeof MetricsBuffer>;

export const AgentOperationResult = z.object({
  status: z.enum(["succeeded", "failed"]),
  output: z.string().nullish(),
  error: z.string().nullish(),
  duration_ms: z.number().nonnegative().nullish(),
});
export type AgentOperationResult = z.infer<typeof AgentOperationResult>;

export interface AgentOperationRequest {
  operation_type: string;
  parameters: Record<string, unknown>;
  idempotency_key: string;
  timeout_seconds: number;
}
