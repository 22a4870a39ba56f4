// Benchmark: soak. The local control plane probing 1,000 simulated servers on its schedule, under 50 API
// requests/s across reads and writes and a bulk operation every minute, for FLEETPLANE_SOAK_MINUTES
// (default 30). Reports 5xx answers (target 0), p99 per route and the process's RSS over time.
// Run with `npm run bench -- soak`; writes bench/results/soak.json.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_ORGANIZATION_ID, allServers } from "@fleetplane/core";
import { startLocalFleetplane } from "@fleetplane/local";
import { startDemo } from "../packages/local/src/demo.js";
import { round, summarize } from "./stats.js";

const SERVERS = 1_000;
const REQUESTS_PER_SECOND = 50;
const OPERATION_EVERY_MS = 60_000;
const RSS_EVERY_MS = 15_000;
const WARMUP_MINUTES = 5;

/** The least-squares slope of y over x, rounded; null with fewer than two points. */
function slope(points: Array<[number, number]>): number | null {
  if (points.length < 2) return null;
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? null : Math.round((points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx) * 100) / 100;
}
/** At most this many requests in flight: a slot that finds them all busy is counted as missed, not queued without bound. */
const MAX_IN_FLIGHT = 25;

interface RouteCall {
  route: string;
  method: string;
  path: string;
  body?: unknown;
}

export async function runSoakBench(): Promise<{ results: unknown }> {
  const minutes = Number(process.env.FLEETPLANE_SOAK_MINUTES ?? 30);
  if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error("FLEETPLANE_SOAK_MINUTES must be between 0 and 1440");
  const dataDir = mkdtempSync(join(tmpdir(), "fleetplane-soak-"));
  const adminKey = `bench-soak-admin-key-${"0".repeat(32)}`;
  const fleet = await startLocalFleetplane({ dataDir, port: 0, adminKey });
  const demo = await startDemo(fleet.ctx, SERVERS);
  const ids = (await allServers(fleet.ctx, DEFAULT_ORGANIZATION_ID)).map((s) => s.id);
  const headers = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };
  const base = `${fleet.url}/api/v1/fleet`;
  const group = (await (await fetch(`${base}/groups`, { method: "POST", headers, body: JSON.stringify({ name: "soak", server_ids: ids.slice(0, 50) }) })).json()) as { id: string };

  const latencies = new Map<string, number[]>();
  const statuses = new Map<string, number>();
  let errors5xx = 0;
  let failures = 0;
  let missedSlots = 0;
  const failureReasons = new Map<string, number>();
  let serial = 0;
  const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
  /** The mix: mostly reads (lists, summary, one server, health), a fifth writes (updates, group membership). */
  const mix: Array<() => RouteCall> = [
    () => ({ route: "GET /servers", method: "GET", path: "/servers?limit=50" }),
    () => ({ route: "GET /servers?tag", method: "GET", path: "/servers?tag=demo&limit=50" }),
    () => ({ route: "GET /summary", method: "GET", path: "/summary" }),
    () => ({ route: "GET /summary", method: "GET", path: "/summary" }),
    () => ({ route: "GET /servers/{id}", method: "GET", path: `/servers/${pick()}` }),
    () => ({ route: "GET /servers/{id}/health", method: "GET", path: `/servers/${pick()}/health` }),
    () => ({ route: "GET /health/overview", method: "GET", path: "/health/overview?limit=50" }),
    () => ({ route: "GET /operations", method: "GET", path: "/operations" }),
    () => ({ route: "PATCH /servers/{id}", method: "PATCH", path: `/servers/${pick()}`, body: { description: `soak ${++serial}` } }),
    () => ({ route: "POST /groups/{id}/servers", method: "POST", path: `/groups/${group.id}/servers`, body: { server_ids: [pick()] } }),
  ];

  const send = async (call: RouteCall): Promise<void> => {
    const started = performance.now();
    try {
      const res = await fetch(base + call.path, { method: call.method, headers, body: call.body === undefined ? undefined : JSON.stringify(call.body) });
      await res.arrayBuffer();
      const key = `${call.route} ${res.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (res.status >= 500) errors5xx++;
    } catch (error) {
      failures++;
      const reason = String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name);
      failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + 1);
    }
    const list = latencies.get(call.route) ?? [];
    list.push(performance.now() - started);
    latencies.set(call.route, list);
  };

  const rss: Array<{ minute: number; rss_mb: number; heap_used_mb: number; heap_after_gc_mb?: number }> = [];
  const startedAt = performance.now();
  // The heap after a full collection (`npm run bench` runs node with --expose-gc) is what the process retains:
  // a leak shows there as a steady climb, where the heap before collection only saws up and down.
  const collect = (globalThis as { gc?: () => void }).gc;
  const sampleMemory = () => {
    const m = process.memoryUsage();
    collect?.();
    rss.push({
      minute: round((performance.now() - startedAt) / 60_000),
      rss_mb: round(m.rss / 2 ** 20, 1),
      heap_used_mb: round(m.heapUsed / 2 ** 20, 1),
      ...(collect ? { heap_after_gc_mb: round(process.memoryUsage().heapUsed / 2 ** 20, 1) } : {}),
    });
  };
  sampleMemory();
  const memoryTimer = setInterval(sampleMemory, RSS_EVERY_MS);
  const operations: string[] = [];
  // Operation starts are awaited with the other requests before the runtime closes.
  const operationsInFlight = new Set<Promise<void>>();
  const startOperation = () => {
    const p = send({ route: "POST /operations", method: "POST", path: "/operations", body: { operation_type: "run_health_check", group_ids: [group.id] } }).then(() => {
      operations.push(new Date().toISOString());
    });
    operationsInFlight.add(p);
    void p.finally(() => operationsInFlight.delete(p));
  };
  startOperation();
  const operationTimer = setInterval(startOperation, OPERATION_EVERY_MS);

  // Open loop: one request every 20 ms whatever the answers' latency, bounded in count and time.
  const deadline = startedAt + minutes * 60_000;
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; performance.now() < deadline && i < minutes * 60 * REQUESTS_PER_SECOND; i++) {
    const due = startedAt + (i * 1000) / REQUESTS_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= MAX_IN_FLIGHT) {
      missedSlots++;
      continue;
    }
    const p = send(mix[i % mix.length]!());
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  clearInterval(operationTimer);
  await Promise.all([...inFlight, ...operationsInFlight]);
  clearInterval(memoryTimer);
  sampleMemory();
  await demo.close();
  await fleet.close();
  rmSync(dataDir, { recursive: true, force: true });

  const elapsedMinutes = round((performance.now() - startedAt) / 60_000);
  const requests = [...latencies.values()].reduce((n, l) => n + l.length, 0);
  const results = {
    method: `in one process: local runtime (LevelDB data dir, probe schedule on) + ${SERVERS} simulated agents (demo mix) + a client sending ${REQUESTS_PER_SECOND} req/s over fetch (at most ${MAX_IN_FLIGHT} in flight; a slot finding them all busy is missed), run_health_check on a 50-server group every minute`,
    duration_minutes: elapsedMinutes,
    servers: SERVERS,
    requests,
    achieved_requests_per_second: round(requests / (elapsedMinutes * 60), 1),
    operations_started: operations.length,
    errors_5xx: errors5xx,
    client_failures: failures,
    client_failure_reasons: Object.fromEntries(failureReasons),
    max_in_flight: MAX_IN_FLIGHT,
    missed_slots: missedSlots,
    statuses: Object.fromEntries([...statuses.entries()].sort()),
    p99_ms_by_route: Object.fromEntries([...latencies.entries()].sort().map(([route, samples]) => [route, summarize(samples).p99])),
    latency_ms_by_route: Object.fromEntries([...latencies.entries()].sort().map(([route, samples]) => [route, summarize(samples)])),
    // Least-squares slopes after the first five minutes (warm-up): MB per minute.
    memory_trend_after_warmup_mb_per_minute: {
      rss: slope(rss.filter((r) => r.minute >= WARMUP_MINUTES).map((r) => [r.minute, r.rss_mb])),
      heap_after_gc: collect ? slope(rss.filter((r) => r.minute >= WARMUP_MINUTES).map((r) => [r.minute, r.heap_after_gc_mb!])) : null,
    },
    rss_over_time: rss,
  };
  const result = { name: "soak", date: new Date().toISOString(), node: process.version, results };
  writeFileSync(fileURLToPath(new URL("./results/soak.json", import.meta.url)), JSON.stringify(result, null, 2) + "\n");
  return result;
}
