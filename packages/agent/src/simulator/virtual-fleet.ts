// The simulated fleet's behaviour: answers the agent protocol for every virtual server per its profile.
import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerTokenMatches } from "../auth/bearer-token.js";
import { readJsonBody, sendJson } from "../http/exchange.js";
import { pageSamples, parseLimit } from "../metrics/metrics-cursor.js";
import { parseOperationRequest, RequestRejected, type HealthReport, type OperationRequest, type OperationResult } from "../protocol.js";
import { serverName, serverToken } from "./fleet-roster.js";
import { initialProfile, type FleetMix, type OperationBehaviour, type Profile } from "./profiles.js";
import { unit } from "./seeded-random.js";
import { serviceCount, simulatedPoint, simulatedSamples, type ServiceCounts } from "./simulated-metrics.js";
import { VirtualAgent, emptyReceived, type ReceivedRequests } from "./virtual-agent.js";

export const SIMULATED_AGENT_VERSION = "sim-1.0.0";
const DEFAULT_OVERSIZED_BYTES = 2 * 1024 * 1024;

type Mode = "normal" | "down";

export class VirtualFleet {
  private readonly agents = new Map<number, VirtualAgent>();
  private readonly tokens = new Map<number, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly padding = new Map<number, string>();
  private closed = false;
  private inFlight = 0;
  private maxInFlight = 0;

  constructor(
    readonly count: number,
    readonly seed: number,
    readonly mix: FleetMix,
    private readonly now: () => number,
  ) {}

  private agent(index: number): VirtualAgent {
    let agent = this.agents.get(index);
    if (!agent) {
      agent = new VirtualAgent(initialProfile(this.mix, this.seed, index));
      this.agents.set(index, agent);
    }
    return agent;
  }

  private token(index: number): string {
    let token = this.tokens.get(index);
    if (token === undefined) {
      token = serverToken(this.seed, index);
      this.tokens.set(index, token);
    }
    return token;
  }

  checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RequestRejected(404, "not_found", `no simulated server ${index}; indexes run 0..${this.count - 1}`);
    }
  }

  setProfile(index: number, profile: Profile): void {
    this.checkIndex(index);
    this.agent(index).profile = profile;
  }

  profile(index: number): Profile {
    return this.agents.get(index)?.profile ?? initialProfile(this.mix, this.seed, index);
  }

  setOperationBehaviour(index: number, behaviour: OperationBehaviour): void {
    this.checkIndex(index);
    this.agent(index).behaviour = behaviour;
  }

  received(index: number): ReceivedRequests {
    this.checkIndex(index);
    const r = this.agents.get(index)?.received ?? emptyReceived();
    return { ...r, operations: r.operations.map((o) => ({ ...o })) };
  }

  operationConcurrency(): { current: number; max: number } {
    return { current: this.inFlight, max: this.maxInFlight };
  }

  /** Clears counters and the concurrency high-water mark; profiles and idempotency records stay. */
  resetStats(): void {
    for (const agent of this.agents.values()) agent.received = emptyReceived();
    this.maxInFlight = this.inFlight;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private services(index: number, profile: Profile, mode: Mode): ServiceCounts {
    const total = serviceCount(this.seed, index);
    const failed = profile.kind === "critical" || mode === "down" ? 2 : profile.kind === "degraded" ? 1 : 0;
    return { total, failed: Math.min(failed, total) };
  }

  private healthReport(index: number, profile: Profile, mode: Mode, check: number): HealthReport {
    const critical = profile.kind === "critical" || mode === "down";
    const degraded = profile.kind === "degraded";
    const latency = (salt: number): number => 1 + Math.floor(unit(this.seed, index, check, salt) * 9);
    const services = this.services(index, profile, mode);
    return {
      status: critical ? "critical" : degraded ? "degraded" : "healthy",
      version: SIMULATED_AGENT_VERSION,
      components: {
        database: { healthy: !critical, latency_ms: critical ? 1500 : latency(1), ...(critical ? { error: "connection refused" } : {}) },
        redis: { healthy: !degraded, latency_ms: latency(2), ...(degraded ? { error: "timed out waiting for PONG" } : {}) },
        services: {
          healthy: services.failed === 0,
          latency_ms: latency(3) + 10,
          active: services.total - services.failed,
          failed: services.failed,
          total: services.total,
        },
      },
    };
  }

  private oversizedBody(bytes: number): string {
    let body = this.padding.get(bytes);
    if (!body) {
      body = JSON.stringify({
        status: "healthy",
        version: SIMULATED_AGENT_VERSION,
        components: {},
        padding: "x".repeat(Math.max(0, bytes - 80)),
      });
      this.padding.set(bytes, body);
    }
    return body;
  }

  /** Serves `${api_url}${path}` for server `index`; `path` excludes the /agents/N prefix and the query. */
  async serve(index: number, path: string, query: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.checkIndex(index);
    const profile = this.profile(index);
    const isHealth = path === "/health";
    let mode: Mode = "normal";
    let effective: Profile = profile;
    if (profile.kind === "flapping") {
      const agent = this.agent(index);
      if (agent.flapDown()) {
        mode = "down";
        if (profile.down === "refused") effective = { kind: "refused" };
        if (profile.down === "timeout") effective = { kind: "timeout" };
      }
      if (isHealth) agent.healthChecks++;
    }

    if (effective.kind === "refused") {
      // Closest to ECONNREFUSED on a shared port: the connection dies before any HTTP answer.
      req.socket.destroy();
      return;
    }
    if (effective.kind === "slow") {
      const jitter = effective.jitter_ms ?? 0;
      await this.delay(Math.max(0, effective.latency_ms + (Math.random() * 2 - 1) * jitter));
    }
    if (!bearerTokenMatches(req.headers.authorization, this.token(index))) {
      throw new RequestRejected(401, "unauthorized", "missing or wrong agent token");
    }

    const key = `${req.method} ${path}`;
    const received = this.agent(index).received;
    if (key === "GET /health") received.health++;
    else if (key === "GET /api/v1/metrics/current") received.metrics_current++;
    else if (key === "GET /api/v1/metrics") received.metrics_since++;

    switch (effective.kind) {
      case "timeout":
        return; // the response stays open until the client gives up or close() destroys the socket
      case "http_error":
        return sendJson(res, effective.status ?? 503, { error: { code: "unavailable", message: "simulated server error" } });
      case "malformed":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"status": "healthy", "version": "sim-1.0.0", "components": {"database": {"healt');
        return;
      case "oversized": {
        const body = this.oversizedBody(effective.bytes ?? DEFAULT_OVERSIZED_BYTES);
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
        return;
      }
    }

    switch (key) {
      case "GET /health":
        return sendJson(res, 200, this.healthReport(index, profile, mode, received.health));
      case "GET /api/v1/metrics/current":
        return sendJson(res, 200, simulatedPoint(this.seed, index, Math.floor(this.now() / 60_000), this.services(index, profile, mode)));
      case "GET /api/v1/metrics": {
        const params = new URLSearchParams(query);
        const source = simulatedSamples(this.seed, index, this.now(), () => this.services(index, profile, mode));
        return sendJson(res, 200, pageSamples(source, params.get("since"), parseLimit(params.get("limit"))));
      }
      case "POST /api/v1/operations":
        return this.operate(index, parseOperationRequest(await readJsonBody(req)), res);
      default:
        throw new RequestRejected(404, "not_found", `no route ${key}`);
    }
  }

  private async operate(index: number, request: OperationRequest, res: ServerResponse): Promise<void> {
    const agent = this.agent(index);
    const behaviour = agent.behaviour;
    if (behaviour.outcome === "forbidden") {
      throw new RequestRejected(403, "operation_not_allowed", `operation ${request.operation_type} is not allowed on this server`);
    }
    agent.received.operations.push({
      operation_type: request.operation_type,
      ...(request.idempotency_key !== undefined ? { idempotency_key: request.idempotency_key } : {}),
      parameters: request.parameters,
      at: new Date(this.now()).toISOString(),
    });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let counted = true;
    // 'close' fires on normal completion and when the client aborts, so hung calls stop counting too.
    res.once("close", () => {
      if (counted) this.inFlight--;
      counted = false;
    });

    const fingerprint = JSON.stringify([request.operation_type, request.parameters]);
    const key = request.idempotency_key;
    const previous = key !== undefined ? agent.runs.get(key) : undefined;
    if (previous && previous.fingerprint !== fingerprint) {
      throw new RequestRejected(409, "conflict", "idempotency_key was already used for a different operation request");
    }
    let result: Promise<OperationResult>;
    if (previous) {
      result = previous.result;
    } else {
      agent.received.executed_operations++;
      result = this.runOperation(index, request, behaviour);
      if (key !== undefined) agent.runs.set(key, { fingerprint, result });
    }
    sendJson(res, 200, await result);
  }

  private async runOperation(index: number, request: OperationRequest, behaviour: OperationBehaviour): Promise<OperationResult> {
    const started = performance.now();
    const duration = (): number => Math.round(performance.now() - started);
    switch (behaviour.outcome) {
      case "hang":
        return new Promise<OperationResult>(() => {});
      case "fail":
        if (behaviour.delay_ms) await this.delay(behaviour.delay_ms);
        return {
          status: "failed",
          output: "",
          error: behaviour.error ?? `simulated failure of ${request.operation_type}`,
          duration_ms: duration(),
        };
      default: {
        const wait = behaviour.outcome === "slow" ? behaviour.delay_ms : behaviour.outcome === "succeed" ? (behaviour.delay_ms ?? 0) : 0;
        if (wait > 0) await this.delay(wait);
        return {
          status: "succeeded",
          output: `${request.operation_type} completed on ${serverName(index)}\n`,
          error: "",
          duration_ms: duration(),
        };
      }
    }
  }
}
