// The agent client over HTTP(S): per-request timeout, one retry on connection errors, bounded response
// size, and schema validation, so one bad agent is an error for that server and never a crash of a batch.
import type { z } from "zod";
import type { AgentCallOptions, AgentClient, AgentFailure, AgentResult, AgentTarget } from "./agent-client.js";
import { systemResolver, unreachableReason, type HostResolver } from "./routable-address.js";
import { AgentHealth, AgentOperationResult, MetricsBuffer, MetricsSample, type AgentOperationRequest } from "./protocol.js";

export interface HttpAgentClientOptions {
  timeoutMs?: number;
  /** Retries after a connection error (refused, reset); timeouts are not retried. */
  connectionRetries?: number;
  maxResponseBytes?: number;
  /**
   * Production mode: before each call, the agent's host is resolved and refused when it is, or resolves to, a
   * loopback, link-local, metadata or other non-routable address (the URL's text alone can name such a host).
   */
  refuseNonRoutable?: boolean;
  /** How host names are resolved for that check; tests inject one that answers any address. */
  resolver?: HostResolver;
}

export class HttpAgentClient implements AgentClient {
  private readonly timeoutMs: number;
  private readonly connectionRetries: number;
  private readonly maxResponseBytes: number;
  private readonly resolver: HostResolver | undefined;

  constructor(options: HttpAgentClientOptions = {}) {
    this.resolver = options.refuseNonRoutable ? (options.resolver ?? systemResolver) : undefined;
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
    if (this.resolver) {
      const refused = await refusedHost(target.api_url, this.resolver);
      if (refused) return { ok: false, error: { kind: "connection", message: `refused: ${refused}` }, response_time_ms: elapsed() };
    }
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(target.api_url.replace(/\/$/, "") + path, {
          method,
          headers: {
            authorization: `Bearer ${target.token}`,
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: "error",
        });
      } catch (error) {
        const failure = classify(error, timeoutMs);
        if (failure.kind === "connection" && attempt < this.connectionRetries) continue;
        return { ok: false, error: failure, response_time_ms: elapsed() };
      }
      const text = await readBounded(response, this.maxResponseBytes, timeoutMs).catch((error: unknown) => classify(error, timeoutMs));
      if (typeof text !== "string") return { ok: false, error: text, response_time_ms: elapsed() };
      if (response.status === 401 || response.status === 403) {
        return {
          ok: false,
          error: { kind: "unauthorized", message: `agent refused the token (${response.status})`, status: response.status },
          response_time_ms: elapsed(),
        };
      }
      if (!response.ok && !resultOnError) {
        return {
          ok: false,
          error: { kind: "http", message: `agent answered ${response.status}`, status: response.status },
          response_time_ms: elapsed(),
        };
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return {
          ok: false,
          error: { kind: "malformed", message: "agent answered with invalid JSON", status: response.status },
          response_time_ms: elapsed(),
        };
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        if (!response.ok)
          return {
            ok: false,
            error: { kind: "http", message: `agent answered ${response.status}`, status: response.status },
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

async function refusedHost(apiUrl: string, resolver: HostResolver): Promise<string | undefined> {
  let hostname: string;
  try {
    hostname = new URL(apiUrl).hostname;
  } catch {
    return "api_url is not a URL";
  }
  return unreachableReason(hostname, resolver);
}

class ResponseTooLarge extends Error {}

async function readBounded(response: Response, limit: number, timeoutMs: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await response.body?.cancel();
    throw new ResponseTooLarge(`agent answer of ${declared} bytes exceeds ${limit}`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const deadline = setTimeout(() => void reader.cancel(new Error("timeout")), timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw new ResponseTooLarge(`agent answer exceeds ${limit} bytes`);
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(deadline);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function classify(error: unknown, timeoutMs: number): AgentFailure {
  if (error instanceof ResponseTooLarge) return { kind: "too_large", message: error.message };
  const name = (error as Error)?.name;
  if (name === "TimeoutError" || name === "AbortError") return { kind: "timeout", message: `no answer within ${timeoutMs} ms` };
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return { kind: "connection", message: cause?.code ?? cause?.message ?? String((error as Error)?.message ?? error) };
}
