// Builds the /health answer: runs every configured check concurrently, each bounded by its own deadline.
import type { AgentConfig } from "../config/agent-config.js";
import type { ComponentHealth, HealthReport, HealthStatus } from "../protocol.js";
import { commandCheck } from "./command-check.js";
import type { CheckOutcome, ComponentCheck } from "./component-check.js";
import { httpCheck } from "./http-check.js";
import { redisCheck } from "./redis-check.js";
import { systemdCheck } from "./systemd-check.js";
import { tcpCheck } from "./tcp-check.js";

export function checksFromConfig(checks: AgentConfig["checks"]): ComponentCheck[] {
  const list: ComponentCheck[] = [];
  const t = checks.timeout_ms;
  if (checks.database) {
    const db = checks.database;
    list.push(db.type === "tcp" ? tcpCheck("database", db.host, db.port, true) : commandCheck("database", db.argv, t, true));
  }
  if (checks.redis) list.push(redisCheck(checks.redis.host, checks.redis.port, checks.redis.password, false));
  if (checks.services) {
    const s = checks.services;
    list.push(s.type === "systemd" ? systemdCheck(s.units, t, false) : commandCheck("services", s.argv, t, false));
  }
  for (const h of checks.http) list.push(httpCheck(h.name, h.url, h.expect_status, h.critical));
  return list;
}

/** A check that ignores its abort signal still cannot hold up the answer: the deadline resolves without it. */
async function runBounded(check: ComponentCheck, timeoutMs: number): Promise<ComponentHealth> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ healthy: false, error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  let outcome: CheckOutcome;
  try {
    outcome = await Promise.race([check.run(controller.signal), deadline]);
  } catch (error) {
    outcome = { healthy: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return {
    healthy: outcome.healthy,
    latency_ms: Math.round(performance.now() - started),
    ...(outcome.error ? { error: outcome.error } : {}),
    ...outcome.details,
  };
}

export function overallStatus(checks: readonly ComponentCheck[], results: readonly ComponentHealth[]): HealthStatus {
  if (results.some((r, i) => !r.healthy && checks[i]!.critical)) return "critical";
  return results.some((r) => !r.healthy) ? "degraded" : "healthy";
}

export async function buildHealthReport(checks: readonly ComponentCheck[], timeoutMs: number, version: string): Promise<HealthReport> {
  const results = await Promise.all(checks.map((c) => runBounded(c, timeoutMs)));
  const components: Record<string, ComponentHealth> = {};
  checks.forEach((c, i) => (components[c.name] = results[i]!));
  return { status: overallStatus(checks, results), version, components };
}
