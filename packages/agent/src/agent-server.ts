// The agent's HTTP service: authenticates the control plane and serves health, metrics and operations.
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { bearerTokenMatches } from "./auth/bearer-token.js";
import { buildHealthReport, checksFromConfig } from "./checks/health-report.js";
import type { AgentConfig } from "./config/agent-config.js";
import { readJsonBody, sendError, sendJson } from "./http/exchange.js";
import { MetricsBuffer } from "./metrics/metrics-buffer.js";
import { pageSamples, parseLimit } from "./metrics/metrics-cursor.js";
import { HostSampler } from "./metrics/host-sampler.js";
import { IdempotencyCache } from "./operations/idempotency-cache.js";
import { commandEnvironment } from "./operations/command-environment.js";
import { collectDiagnostics, OperationCatalog } from "./operations/operation-catalog.js";
import { parseOperationRequest, RequestRejected, type MetricsPoint } from "./protocol.js";

export interface AgentOptions {
  /** Clock for sample timestamps; tests pass one that advances a minute per sample. */
  now?: () => number;
  /** false: no timer, samples only through sampleNow() (tests). Default true. */
  autoSample?: boolean;
}

export interface RunningAgent {
  readonly url: string;
  readonly buffer: MetricsBuffer;
  /** Takes one buffered sample now (what the per-minute timer does). */
  sampleNow(): Promise<MetricsPoint>;
  close(): Promise<void>;
}

export async function startAgent(config: AgentConfig, options: AgentOptions = {}): Promise<RunningAgent> {
  const now = options.now ?? Date.now;
  const checks = checksFromConfig(config.checks);
  const buffer = new MetricsBuffer(config.metrics.buffer_minutes);
  const sampler = new HostSampler(config, now);
  const idempotency = new IdempotencyCache();
  const report = () => buildHealthReport(checks, config.checks.timeout_ms, config.version);
  const catalog = new OperationCatalog(
    config.operations,
    {
      run_health_check: async () => JSON.stringify(await report(), null, 2),
      collect_diagnostics: collectDiagnostics,
    },
    commandEnvironment(config.command_env),
  );

  const sampleNow = async (): Promise<MetricsPoint> => {
    const point = await sampler.sample(true);
    buffer.push(point);
    return point;
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!bearerTokenMatches(req.headers.authorization, config.token)) {
      throw new RequestRejected(401, "unauthorized", "missing or wrong agent token");
    }
    const url = new URL(req.url ?? "/", "http://agent");
    const key = `${req.method} ${url.pathname}`;
    switch (key) {
      case "GET /health":
        return sendJson(res, 200, await report());
      case "GET /api/v1/metrics/current":
        return sendJson(res, 200, await sampler.sample(false));
      case "GET /api/v1/metrics":
        return sendJson(res, 200, pageSamples(buffer, url.searchParams.get("since"), parseLimit(url.searchParams.get("limit"))));
      case "POST /api/v1/operations": {
        const request = parseOperationRequest(await readJsonBody(req));
        const prepared = catalog.prepare(request);
        const result = request.idempotency_key
          ? await idempotency.runOnce(request.idempotency_key, prepared.fingerprint, prepared.run)
          : await prepared.run();
        return sendJson(res, 200, result);
      }
      default:
        throw new RequestRejected(404, "not_found", `no route ${key}`);
    }
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((error: unknown) => sendError(res, error));
  };
  const server: Server = config.tls
    ? createHttpsServer({ cert: readFileSync(config.tls.cert_file), key: readFileSync(config.tls.key_file) }, handler)
    : createHttpServer(handler);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let timer: NodeJS.Timeout | undefined;
  if (options.autoSample !== false) {
    void sampleNow().catch((e: unknown) => console.error("fleetplane-agent: sample failed", e));
    timer = setInterval(() => {
      sampleNow().catch((e: unknown) => console.error("fleetplane-agent: sample failed", e));
    }, config.metrics.sample_interval_seconds * 1000);
    timer.unref();
  }

  return {
    url: `${config.tls ? "https" : "http"}://${host}:${address.port}`,
    buffer,
    sampleNow,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
