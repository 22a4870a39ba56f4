// The agent client port: how domain code calls a server's agent, with every failure as a value, not a throw.
import type { AgentHealth, AgentOperationRequest, AgentOperationResult, MetricsBuffer, MetricsSample } from "./protocol.js";

/** Where an agent is and the (decrypted) token it expects. */
export interface AgentTarget {
  api_url: string;
  token: string;
}

/** `forbidden_address`: production mode does not connect to the agent's address (loopback, link-local, metadata, ...). */
export type AgentFailureKind = "timeout" | "connection" | "forbidden_address" | "http" | "unauthorized" | "malformed" | "too_large";

export interface AgentFailure {
  kind: AgentFailureKind;
  message: string;
  status?: number;
}

export type AgentResult<T> =
  { ok: true; value: T; response_time_ms: number } | { ok: false; error: AgentFailure; response_time_ms: number };

export interface AgentCallOptions {
  /** Per-request timeout; the caller's default applies when absent. */
  timeoutMs?: number;
}

export interface AgentClient {
  health(target: AgentTarget, options?: AgentCallOptions): Promise<AgentResult<AgentHealth>>;
  metricsCurrent(target: AgentTarget, options?: AgentCallOptions): Promise<AgentResult<MetricsSample>>;
  /** Buffered one-minute samples after `cursor` (all buffered ones without); agents without a buffer answer 404. */
  metricsSince(target: AgentTarget, cursor: string | undefined, options?: AgentCallOptions): Promise<AgentResult<MetricsBuffer>>;
  runOperation(target: AgentTarget, request: AgentOperationRequest, options?: AgentCallOptions): Promise<AgentResult<AgentOperationResult>>;
}
