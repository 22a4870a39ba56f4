// The agent client over HTTP(S): per-request timeout, one retry on connection errors, bounded response size,
// redirects not followed, and schema validation, so one bad agent is an error for that server and never a crash of
// a batch. Connections go through `OutboundHttp` (egress/), which in production mode pins them to checked addresses.
import type { z } from "zod";
import { OutboundFailure, OutboundHttp, type OutboundResponse } from "../egress/outbound-http.js";
import type { AgentCallOptions, AgentClient, AgentFailure, AgentResult, AgentTarget } from "./agent-client.js";
import { AgentHealth, AgentOperationResult, MetricsBuffer, MetricsSample, type AgentOperationRequest } from "./protocol.js";

export interface HttpAgentClientOptions {
  /**
   * How requests reach agents; in production mode an `OutboundHttp` that refuses non-routable addresses after
   * resolution and connects only to the addresses it checked. Default: one without that guard.
   */
  outbound?: OutboundHttp;
  timeoutMs?: number;
  /** Retries after a connection error (refused, reset); timeouts and refusals by the address guard are not retried. */
  connectionRetries?: number;
  maxResponseBytes?: number;
}

export class HttpAgentClient implements AgentClient {
  private readonly outbound: OutboundHttp;
  private readonly timeoutMs: number;
  private readonly connectionRetries: number;
  private readonly maxResponseBytes: number;

  constructor(options: HttpAgentClientOptions = {}) {
    this.outbound = options.outbound ?? new OutboundHttp();
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.connectionRetries = options.connectionRetries ?? 1;
    this.maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  }

  health(target: AgentTarget, options?: AgentCallOptions): Promise<AgentResult<AgentHealth>> {
    return this.call(target, "GET", "/health", undefined, AgentHealth, options);
  }

  metricsCurrent(target: AgentTarget, options?: AgentCallOptions): Promise<AgentResult<MetricsSample>> {
    return this.call(target, "GET", "/api/v1/metrics/current", undefined, MetricsSample, options);
  }

  metricsSince(target: AgentTarget, cursor: string | undefined, options?: AgentCallOptions): Promise<AgentResult<MetricsBuffer>> {
    const query = cursor === undefined ? "" : `?since=${encodeURIComponent(cursor)}`;
    return this.call(target, "GET", `/api/v1/metrics${query}`, undefined, MetricsBuffer, options);
  }

  runOperation(
    target: AgentTarget,
    request: AgentOperationRequest,
    options?: AgentCallOptions,
  ): Promise<AgentResult<AgentOperationResult>> {
    return this.call(target, "POST", "/api/v1/operations", request, AgentOperationResult, options, true);
  }

  private async call<S extends z.ZodType>(
    target: AgentTarget,
    method: "GET" | "POST",
    path: string,
    body: unknown,
    schema: S,
    options: AgentCallOptions = {},
    /** Failed operations still answer with a result body (and maybe a 4xx/5xx status). */
    resultOnError = false,
  ): Promise<AgentResult<z.infer<S>>> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      let response: OutboundResponse;
      try {
        response = await this.outbound.send(target.api_url.replace(/\/$/, "") + path, {
          method,
          headers: {
            authorization: `Bearer ${target.token}`,
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          timeoutMs,
          maxResponseBytes: this.maxResponseBytes,
        });
      } catch (error) {
        const failure = agentFailure(error);
        if (failure.kind === "connection" && attempt < this.connectionRetries) continue;
        return { ok: false, error: failure, response_time_ms: elapsed() };
      }
      const { status, body: text } = response;
      const succeeded = status >= 200 && status < 300;
      if (status === 401 || status === 403) {
        return {
          ok: false,
          error: { kind: "unauthorized", message: `agent refused the token (${status})`, status },
          response_time_ms: elapsed(),
        };
      }
      if ((status >= 300 && status < 400) || (!succeeded && !resultOnError)) {
        const redirect = status >= 300 && status < 400 ? " (redirects are not followed)" : "";
        return { ok: false, error: { kind: "http", message: `agent answered ${status}${redirect}`, status }, response_time_ms: elapsed() };
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return {
          ok: false,
          error: { kind: "malformed", message: "agent answered with invalid JSON", status },
          response_time_ms: elapsed(),
        };
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        if (!succeeded)
          return {
            ok: false,
            error: { kind: "http", message: `agent answered ${status}`, status },
            response_time_ms: elapsed(),
          };
        const where = parsed.error.issues[0];
        return {
          ok: false,
          error: {
            kind: "malformed",
            message: `agent answer does not match the protocol at ${where?.path.join(".") || "(root)"}: ${where?.message}`,
          },
          response_time_ms: elapsed(),
        };
      }
      return { ok: true, value: parsed.data, response_time_ms: elapsed() };
    }
  }
}

function agentFailure(error: unknown): AgentFailure {
  if (!(error instanceof OutboundFailure)) return { kind: "connection", message: String((error as Error)?.message ?? error) };
  if (error.kind === "forbidden_address") return { kind: "forbidden_address", message: `refused: ${error.message}` };
  if (error.kind === "too_large") return { kind: "too_large", message: `agent ${error.message}` };
  return { kind: error.kind, message: error.message };
}
