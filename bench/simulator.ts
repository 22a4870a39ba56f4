// Benchmark: /health requests per second the fleet simulator sustains across 10,000 virtual servers.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fleetRoster } from "../packages/agent/src/simulator/index.js";

export interface SimulatorBenchOptions {
  servers?: number;
  maxRequests?: number;
  maxSeconds?: number;
  concurrency?: number;
  seed?: number;
  /** Write bench/results/simulator.json (default true). */
  write?: boolean;
}

export interface SimulatorBenchResult {
  name: "simulator";
  date: string;
  node: string;
  results: {
    servers: number;
    concurrency: number;
    requests: number;
    errors: number;
    duration_s: number;
    requests_per_second: number;
    latency_ms: { p50: number; p90: number; p99: number; max: number };
    /** CPU the simulator process used during the run, % of one core (Linux only): headroom left. */
    simulator_cpu_percent: number | null;
    /** requests_per_second scaled to a fully busy simulator core: an extrapolation, not a measurement. */
    simulator_capacity_estimate_rps: number | null;
    setup: string;
  };
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const simulatorMain = join(root, "packages/agent/src/simulator/main.ts");

function percentile(sorted: Float64Array, p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100;
}

/** The simulator runs in a child process so the load generator does not share its event loop. */
/** utime + stime of a process in ms, from /proc; null where /proc is not available. */
function cpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

async function startSimulatorProcess(
  servers: number,
  seed: number,
): Promise<{ url: string; cpuMs: () => number | null; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "fleetplane-bench-"));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", simulatorMain, "--count", String(servers), "--seed", String(seed), "--out", join(dir, "servers.jsonl")],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    cpuMs: () => cpuMs(child.pid),
    stop: async () => {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function runSimulatorBench(options: SimulatorBenchOptions = {}): Promise<SimulatorBenchResult> {
  const servers = options.servers ?? 10_000;
  const maxRequests = options.maxRequests ?? 60_000;
  const maxMs = (options.maxSeconds ?? 20) * 1000;
  const concurrency = options.concurrency ?? 64;
  const seed = options.seed ?? 7;
  const simulator = await startSimulatorProcess(servers, seed);
  const roster = fleetRoster(servers, seed, simulator.url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = new Float64Array(maxRequests);
  let issued = 0;
  let completed = 0;
  let errors = 0;

  const { hostname, port } = new URL(simulator.url);
  // Plain options instead of a URL string: parsing 60,000 URLs would make the client the bottleneck sooner.
  const probe = (index: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const server = roster[index]!;
      const options = { agent, hostname, port, path: `/agents/${index}/health`, headers: { authorization: `Bearer ${server.token}` } };
      const req = request(options, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });

  const cpuBefore = simulator.cpuMs();
  const started = performance.now();
  const deadline = started + maxMs;
  // Round-robin over every server, so the run touches all 10,000 virtual agents, not a hot few.
  const worker = async (): Promise<void> => {
    while (issued < maxRequests && performance.now() < deadline) {
      const index = issued++ % servers;
      const t0 = performance.now();
      try {
        if ((await probe(index)) !== 200) errors++;
      } catch {
        errors++;
      }
      latencies[completed++] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = simulator.cpuMs();
  const simulatorCpu = cpuBefore !== null && cpuAfter !== null ? Math.round((cpuAfter - cpuBefore) / (elapsed * 10)) : null;
  agent.destroy();
  await simulator.stop();

  const sorted = latencies.subarray(0, completed).sort();
  const result: SimulatorBenchResult = {
    name: "simulator",
    date: new Date().toISOString(),
    node: process.version,
    results: {
      servers,
      concurrency,
      requests: completed,
      errors,
      duration_s: Math.round(elapsed * 100) / 100,
      requests_per_second: Math.round(completed / elapsed),
      latency_ms: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: percentile(sorted, 100) },
      simulator_cpu_percent: simulatorCpu,
      simulator_capacity_estimate_rps: simulatorCpu ? Math.round((completed / elapsed) * (100 / simulatorCpu)) : null,
      setup:
        "simulator in a child process (all-healthy mix); load from this process over node:http keep-alive; GET /health round-robin over all servers. When simulator_cpu_percent is well under 100, the load generator, not the simulator, was the limit",
    },
  };
  if (options.write !== false) {
    mkdirSync(join(root, "bench/results"), { recursive: true });
    writeFileSync(join(root, "bench/results/simulator.json"), `${JSON.stringify(result, null, 2)}\n`);
  }
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runSimulatorBench();
  console.log(JSON.stringify(result, null, 2));
}
