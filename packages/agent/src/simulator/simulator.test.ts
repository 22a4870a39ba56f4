// Tests of the fleet simulator over real HTTP on 127.0.0.1: tokens, profiles, counters, determinism.
import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type SimulatedServer, type Simulator } from "./index.js";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const get = (server: SimulatedServer, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${server.api_url}${path}`, { ...init, headers: { authorization: `Bearer ${server.token}`, ...init.headers } });

const operate = (server: SimulatedServer, body: Record<string, unknown>): Promise<Response> =>
  get(server, "/api/v1/operations", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

async function healthStatus(server: SimulatedServer): Promise<string> {
  return ((await (await get(server, "/health")).json()) as { status: string }).status;
}

describe("simulator", () => {
  it("answers 401 without a token or with another server token, 200 with its own token", async () => {
    sim = await startSimulator({ count: 3 });
    const [a, b] = sim.servers as [SimulatedServer, SimulatedServer];
    expect((await fetch(`${a.api_url}/health`)).status).toBe(401);
    expect((await fetch(`${a.api_url}/health`, { headers: { authorization: `Bearer ${b.token}` } })).status).toBe(401);
    expect((await get(a, "/health")).status).toBe(200);
    expect(a.token).not.toBe(b.token);
  });

  it("derives the same roster and profiles from the same seed and a different one from another seed", async () => {
    const strip = (s: Simulator) => s.servers.map(({ api_url, ...rest }) => ({ ...rest, path: new URL(api_url).pathname }));
    const one = await startSimulator({ count: 50, seed: 42, mix: "realistic" });
    const two = await startSimulator({ count: 50, seed: 42, mix: "realistic" });
    const other = await startSimulator({ count: 50, seed: 43, mix: "realistic" });
    try {
      expect(strip(one)).toEqual(strip(two));
      expect(one.servers.map((_, i) => one.profile(i))).toEqual(two.servers.map((_, i) => two.profile(i)));
      expect(strip(one)).not.toEqual(strip(other));
      expect(one.servers[7]!.name).toBe("sim-0007");
      expect(one.servers[7]!.api_url).toBe(`${one.url}/agents/7`);
    } finally {
      await Promise.all([one.close(), two.close(), other.close()]);
    }
  });

  it("reports healthy, degraded and critical bodies per profile with component details", async () => {
    sim = await startSimulator({ count: 3 });
    sim.setProfile(1, { kind: "degraded" });
    sim.setProfile(2, { kind: "critical" });
    const bodies = await Promise.all(sim.servers.map(async (s) => (await get(s, "/health")).json() as Promise<Record<string, any>>));
    expect(bodies.map((b) => b.status)).toEqual(["healthy", "degraded", "critical"]);
    expect(bodies[0]!.components.database).toMatchObject({ healthy: true, latency_ms: expect.any(Number) });
    expect(bodies[1]!.components.redis.healthy).toBe(false);
    expect(bodies[2]!.components.database.healthy).toBe(false);
  });

  it("delays every answer of a slow server by its latency", async () => {
    sim = await startSimulator({ count: 1 });
    sim.setProfile(0, { kind: "slow", latency_ms: 300 });
    const started = performance.now();
    expect((await get(sim.servers[0]!, "/health")).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("never answers for a timeout profile, and close() still completes", async () => {
    sim = await startSimulator({ count: 1 });
    sim.setProfile(0, { kind: "timeout" });
    const pending = get(sim.servers[0]!, "/health", { signal: AbortSignal.timeout(300) });
    await expect(pending).rejects.toThrow(/abort|timeout/i);
    expect(sim.received(0).health).toBe(1);
    const hung = get(sim.servers[0]!, "/health").catch((e: unknown) => e);
    await expect.poll(() => sim!.received(0).health).toBe(2);
    await sim.close();
    expect(await hung).toBeInstanceOf(Error);
    sim = undefined;
  });

  it("drops the connection for a refused profile so the client sees a network error", async () => {
    sim = await startSimulator({ count: 1 });
    sim.setProfile(0, { kind: "refused" });
    await expect(get(sim.servers[0]!, "/health")).rejects.toThrow(/fetch failed/);
    expect(sim.received(0).health).toBe(0);
  });

  it("answers http_error with the status, malformed with unparsable JSON, oversized with a large body", async () => {
    sim = await startSimulator({ count: 3 });
    const [a, b, c] = sim.servers as [SimulatedServer, SimulatedServer, SimulatedServer];
    sim.setProfile(0, { kind: "http_error", status: 502 });
    sim.setProfile(1, { kind: "malformed" });
    sim.setProfile(2, { kind: "oversized", bytes: 300_000 });
    expect((await get(a, "/health")).status).toBe(502);
    const malformed = await get(b, "/health");
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow();
    const big = await (await get(c, "/health")).text();
    expect(big.length).toBeGreaterThanOrEqual(299_000);
  });

  it("flaps between healthy and critical every period_checks health checks", async () => {
    sim = await startSimulator({ count: 1 });
    sim.setProfile(0, { kind: "flapping", period_checks: 2 });
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(await healthStatus(sim.servers[0]!));
    expect(seen).toEqual(["healthy", "healthy", "critical", "critical", "healthy", "healthy"]);
  });

  it("applies setProfile at runtime, in process and through the control endpoint", async () => {
    sim = await startSimulator({ count: 20 });
    const s17 = sim.servers[17]!;
    expect(await healthStatus(s17)).toBe("healthy");
    sim.setProfile(17, { kind: "critical" });
    expect(await healthStatus(s17)).toBe("critical");
    const control = await fetch(`${sim.url}/control/servers/17/profile`, { method: "POST", body: JSON.stringify({ kind: "refused" }) });
    expect(control.status).toBe(200);
    await expect(get(s17, "/health")).rejects.toThrow();
    const bad = await fetch(`${sim.url}/control/servers/17/profile`, { method: "POST", body: JSON.stringify({ kind: "nope" }) });
    expect(bad.status).toBe(400);
    const behaviour = await fetch(`${sim.url}/control/servers/3/operation-behaviour`, {
      method: "POST",
      body: JSON.stringify({ outcome: "fail", error: "disk full" }),
    });
    expect(behaviour.status).toBe(200);
    expect(await (await operate(sim.servers[3]!, { operation_type: "deploy_update" })).json()).toMatchObject({
      status: "failed",
      error: "disk full",
    });
  });

  it("counts received probes and operations per server, and resetStats clears them", async () => {
    sim = await startSimulator({ count: 2 });
    const s = sim.servers[1]!;
    await get(s, "/health");
    await get(s, "/health");
    await get(s, "/api/v1/metrics/current");
    await get(s, "/api/v1/metrics?since=");
    await operate(s, { operation_type: "restart_services", parameters: { services: ["nginx"] }, idempotency_key: "k1" });
    const received = sim.received(1);
    expect(received).toMatchObject({ health: 2, metrics_current: 1, metrics_since: 1, executed_operations: 1 });
    expect(received.operations).toEqual([
      { operation_type: "restart_services", idempotency_key: "k1", parameters: { services: ["nginx"] }, at: expect.any(String) },
    ]);
    expect(sim.received(0).health).toBe(0);
    const viaControl = (await (await fetch(`${sim.url}/control/servers/1/received`)).json()) as { health: number };
    expect(viaControl.health).toBe(2);
    sim.resetStats();
    expect(sim.received(1)).toMatchObject({ health: 0, operations: [], executed_operations: 0 });
  });

  it("runs an operation once per idempotency key, concurrent retries included, and rejects unknown types with 400", async () => {
    sim = await startSimulator({ count: 1 });
    sim.setOperationBehaviour(0, { outcome: "slow", delay_ms: 150 });
    const s = sim.servers[0]!;
    const body = { operation_type: "update_config", parameters: { key: "a" }, idempotency_key: "same" };
    const answers = await Promise.all([operate(s, body), operate(s, body), operate(s, body)]);
    const results = await Promise.all(answers.map((r) => r.json()));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(sim.received(0).executed_operations).toBe(1);
    expect(sim.received(0).operations).toHaveLength(3);
    expect((await operate(s, { operation_type: "format_disk" })).status).toBe(400);
  });

  it("tracks the maximum number of operations in flight across all servers", async () => {
    sim = await startSimulator({ count: 10 });
    for (let i = 0; i < 10; i++) sim.setOperationBehaviour(i, { outcome: "slow", delay_ms: 200 });
    await Promise.all(sim.servers.slice(0, 6).map((s) => operate(s, { operation_type: "run_health_check" })));
    expect(sim.operationConcurrency()).toEqual({ current: 0, max: 6 });
    sim.setOperationBehaviour(9, { outcome: "hang" });
    const hung = operate(sim.servers[9]!, { operation_type: "deploy_update" }).catch((e: unknown) => e);
    await expect.poll(() => sim!.operationConcurrency().current).toBe(1);
    await sim.close();
    sim = undefined;
    expect(await hung).toBeInstanceOf(Error);
  });

  it("serves minute-aligned drifting metrics whose cursors yield every sample once", async () => {
    let now = Date.parse("2026-11-20T10:30:20Z");
    sim = await startSimulator({ count: 2, seed: 9, now: () => now });
    const s = sim.servers[0]!;
    const first = (await (await get(s, "/api/v1/metrics")).json()) as { samples: Array<Record<string, any>>; cursor: string };
    expect(first.samples.length).toBeGreaterThanOrEqual(120);
    expect(first.samples.at(-1)!.timestamp).toBe("2026-11-20T10:29:00.000Z");
    expect(first.samples.every((p) => p.timestamp.endsWith(":00.000Z") && p.period === "1m")).toBe(true);
    expect(new Set(first.samples.map((p) => p.cpu_percent)).size).toBeGreaterThan(10);
    const none = (await (await get(s, `/api/v1/metrics?since=${first.cursor}`)).json()) as { samples: unknown[]; cursor: string };
    expect(none).toEqual({ samples: [], cursor: first.cursor });
    now += 3 * 60_000;
    const next = (await (await get(s, `/api/v1/metrics?since=${first.cursor}&limit=2`)).json()) as {
      samples: Array<{ timestamp: string }>;
      cursor: string;
    };
    const rest = (await (await get(s, `/api/v1/metrics?since=${next.cursor}`)).json()) as {
      samples: Array<{ timestamp: string }>;
      cursor: string;
    };
    expect([...next.samples, ...rest.samples].map((p) => p.timestamp)).toEqual([
      "2026-11-20T10:30:00.000Z",
      "2026-11-20T10:31:00.000Z",
      "2026-11-20T10:32:00.000Z",
    ]);
    const current = (await (await get(s, "/api/v1/metrics/current")).json()) as Record<string, unknown>;
    expect(Object.keys(current).sort()).toEqual([
      "active_services",
      "active_users",
      "cpu_percent",
      "disk_percent",
      "failed_services",
      "llm_cost_usd",
      "llm_requests",
      "memory_percent",
      "network_rx_bytes",
      "network_tx_bytes",
      "period",
      "timestamp",
      "total_services",
      "total_users",
    ]);
  });

  it("serves 10,000 virtual servers from one process", async () => {
    sim = await startSimulator({ count: 10_000, mix: "realistic" });
    expect(sim.servers).toHaveLength(10_000);
    expect(sim.servers[9_999]!.name).toBe("sim-9999");
    const healthy = sim.servers.findLast((_, i) => sim!.profile(i).kind === "healthy")!;
    expect(await healthStatus(healthy)).toBe("healthy");
    expect((await fetch(`${sim.url}/agents/10000/health`)).status).toBe(404);
  });
});
