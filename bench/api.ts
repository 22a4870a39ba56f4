// Benchmark: API latency with 10,000 servers registered on the local runtime (LevelDB-backed dynalite),
// and registration throughput. Run with `npm run bench -- api`; writes bench/results/api.json.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { controlPlaneProcess } from "./control-plane-process.js";
import { seedProbeProgress } from "./probe-progress-seed.js";
import { keepAliveClient } from "./http-client.js";
import { round, summarize, timeSequential, type LatencySummary } from "./stats.js";

export interface ApiBenchOptions {
  servers?: number;
  concurrency?: number;
  samples?: number;
  write?: boolean;
}

export interface ApiBenchResult {
  name: "api";
  date: string;
  node: string;
  results: {
    servers: number;
    registration: { concurrency: number; seconds: number; per_second: number; write_units_per_registration: number };
    latency_ms: Record<string, LatencySummary>;
    latency_ms_through_fetch: Record<string, LatencySummary>;
    targets: { list_p99_ms: number; summary_p99_ms: number; list_p99_met: boolean; summary_p99_met: boolean };
    setup: string;
  };
}

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"];
const ENVIRONMENTS = ["production", "staging", "development"];

export async function runApiBench(options: ApiBenchOptions = {}): Promise<ApiBenchResult> {
  const servers = options.servers ?? 10_000;
  const concurrency = options.concurrency ?? 16;
  const samples = options.samples ?? 1_000;
  const adminKey = "bench-admin-key-0123456789abcdef-0123";
  const dataDir = mkdtempSync(join(tmpdir(), "fleetplane-bench-api-"));
  // The control plane runs in its own process, as `npm start` does; this process is only its client.
  let fleet = await controlPlaneProcess({ dataDir, adminKey });
  const headers = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };
  let api = `${fleet.url}/api/v1/fleet`;
  try {
    const ids: string[] = [];
    const writeUnitsBefore = await fleet.writeUnits();
    const started = performance.now();
    let next = 0;
    const deadline = started + 600_000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < servers && performance.now() < deadline) {
          const i = next++;
          const res = await fetch(`${api}/servers`, {
            method: "POST",
            headers,
            body: JSON.stringify({
              name: `bench-${String(i).padStart(5, "0")}`,
              hostname: `bench-${i}.example.com`,
              api_url: `https://bench-${i}.example.com`,
              api_token: `token-${i}`,
              region: REGIONS[i % REGIONS.length],
              environment: ENVIRONMENTS[i % ENVIRONMENTS.length],
              tags: i % 10 === 0 ? ["web", "critical"] : ["web"],
            }),
          });
          if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
          ids.push(((await res.json()) as { id: string }).id);
        }
      }),
    );
    const registrationSeconds = (performance.now() - started) / 1000;
    const writeUnits = (await fleet.writeUnits()) - writeUnitsBefore;
    // Listings read the latest check and metrics of their servers: give the fleet those of one probe cycle.
    await fleet.close();
    await seedProbeProgress(dataDir, adminKey, ids);
    fleet = await controlPlaneProcess({ dataDir, adminKey });
    api = `${fleet.url}/api/v1/fleet`;

    const client = keepAliveClient(api, { authorization: headers.authorization });
    const get = async (path: string) => void (await client.get(path));
    const getWithFetch = async (path: string) => {
      const res = await fetch(`${api}${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      await res.arrayBuffer();
    };
    // Warm the connections and the code paths before timing.
    for (let i = 0; i < 50; i++) await get("/servers?limit=50");
    for (let i = 0; i < 50; i++) await getWithFetch("/servers?limit=50");

    const cursorsOf = async (query: string) => {
      const cursors: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 40; i++) {
        const page = JSON.parse((await client.get(`/servers?limit=50${query}${cursor ? `&cursor=${cursor}` : ""}`)).toString()) as {
          next_cursor: string | null;
        };
        cursor = page.next_cursor;
        if (!cursor) break;
        cursors.push(cursor);
      }
      return cursors;
    };
    const pageCursors = await cursorsOf("");
    const nameCursors = await cursorsOf("&sort=name");
    const latency: Record<string, LatencySummary> = {
      "GET /servers?limit=50": summarize(await timeSequential(samples, 60, () => get("/servers?limit=50"))),
      "GET /servers?limit=50&cursor (deep pages)": summarize(
        await timeSequential(samples, 60, (i) => get(`/servers?limit=50&cursor=${pageCursors[i % pageCursors.length]}`)),
      ),
      "GET /servers?limit=50&environment=production": summarize(
        await timeSequential(samples, 60, () => get("/servers?limit=50&environment=production")),
      ),
      "GET /servers?limit=50&environment=production&region=eu-west-1": summarize(
        await timeSequential(samples, 60, () => get("/servers?limit=50&environment=production&region=eu-west-1")),
      ),
      "GET /servers?limit=50&tag=critical&q=bench-0": summarize(
        await timeSequential(samples, 60, () => get("/servers?limit=50&tag=critical&q=bench-0")),
      ),
      "GET /servers?limit=50&sort=name": summarize(await timeSequential(samples, 60, () => get("/servers?limit=50&sort=name"))),
      "GET /servers?limit=50&sort=name&cursor (deep pages)": summarize(
        await timeSequential(samples, 60, (i) => get(`/servers?limit=50&sort=name&cursor=${nameCursors[i % nameCursors.length]}`)),
      ),
      "GET /servers?limit=50&sort=-name&environment=production&region=eu-west-1": summarize(
        await timeSequential(samples, 60, () => get("/servers?limit=50&sort=-name&environment=production&region=eu-west-1")),
      ),
      "GET /servers/{id}": summarize(await timeSequential(samples * 2, 60, (i) => get(`/servers/${ids[(i * 7919) % ids.length]}`))),
    };
    // The summary's first request computes the probe figures (128 reads), as a cold process does once.
    for (let i = 0; i < 50; i++) await get("/summary");
    latency["GET /summary"] = summarize(await timeSequential(samples * 2, 60, () => get("/summary")));
    // The same two requests through Node's fetch, for scale: what the client's own work adds.
    const throughFetch: Record<string, LatencySummary> = {
      "GET /servers?limit=50": summarize(await timeSequential(samples, 60, () => getWithFetch("/servers?limit=50"))),
      "GET /summary": summarize(await timeSequential(samples * 2, 60, () => getWithFetch("/summary"))),
    };
    client.close();
    // The same summary with its counts read on every request (FLEETPLANE_SUMMARY_COUNTS_SECONDS=0): what a
    // request costs when the process has just written, or the reuse is switched off.
    await fleet.close();
    const live = await controlPlaneProcess({ dataDir, adminKey, config: { summaryCountsSeconds: 0 } });
    try {
      const liveClient = keepAliveClient(`${live.url}/api/v1/fleet`, { authorization: headers.authorization });
      for (let i = 0; i < 50; i++) await liveClient.get("/summary");
      latency["GET /summary (counts read every time)"] = summarize(
        await timeSequential(samples * 2, 60, async () => void (await liveClient.get("/summary"))),
      );
      liveClient.close();
    } finally {
      await live.close();
    }
    // The target covers every list case: unfiltered, deep pages, and each filter path (reading in order, the
    // placement index, tag entries), by registration and by name.
    const listP99 = Math.max(
      ...Object.entries(latency).flatMap(([name, summary]) => (name.startsWith("GET /servers?") ? [summary.p99] : [])),
    );
    const summaryP99 = latency["GET /summary"]!.p99;
    const result: ApiBenchResult = {
      name: "api",
      date: new Date().toISOString(),
      node: process.version,
      results: {
        servers: ids.length,
        registration: {
          concurrency,
          seconds: round(registrationSeconds, 1),
          per_second: round(ids.length / registrationSeconds, 0),
          // Table writes as reported by ConsumedCapacity; DynamoDB also writes one entry in each of the `active`
          // and `placement` indexes, which dynalite does not report.
          write_units_per_registration: round(writeUnits / ids.length, 2),
        },
        latency_ms: latency,
        latency_ms_through_fetch: throughFetch,
        targets: { list_p99_ms: 50, summary_p99_ms: 10, list_p99_met: listP99 < 50, summary_p99_met: summaryP99 < 10 },
        setup:
          "local runtime in a child process, as npm start runs it (API over real HTTP on 127.0.0.1, dynalite on LevelDB in a temp dir, no probe schedule; every server given the probe progress of one metrics cycle, so each page reads its latest check, CPU and memory); sequential requests over one keep-alive node:http connection from the parent process after 50 warm-up requests (latency_ms_through_fetch: the same through Node's fetch)",
      },
    };
    if (options.write !== false)
      writeFileSync(fileURLToPath(new URL("./results/api.json", import.meta.url)), JSON.stringify(result, null, 2) + "\n");
    return result;
  } finally {
    await fleet.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runApiBench().then((r) => console.log(JSON.stringify(r.results, null, 2)));
}
