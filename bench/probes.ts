// Benchmark: probing on the local runtime against the simulator. Full health cycle at 1,000 and 10,000
// servers (CPU and memory of the control plane meanwhile), DynamoDB write units per server per hour from
// ConsumedCapacity at 30 s health / 60 s metrics, and minutes of metrics lost with 5 % of polls failing.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { DEFAULT_ORGANIZATION_ID, PERIOD_SECONDS, keys, type Clock, type FleetContext } from "@fleetplane/core";
import { startLocalFleetplane, type LocalFleetplane, type LocalOptions } from "@fleetplane/local";
import { fleetRoster, startSimulator, type SimulatedServer } from "../packages/agent/src/simulator/index.js";
import { nameItem, toServerItem } from "../packages/core/src/servers/server-item.js";
import { contribution } from "../packages/core/src/summary/counters.js";
import { newId } from "../packages/core/src/ids.js";
import type { Server } from "../packages/core/src/servers/schema.js";
import { memberKey } from "../packages/core/src/probes/probe-batch.js";
import { groupOf, loadProbeLayout } from "../packages/core/src/probes/probe-layout.js";
import { readBuckets } from "../packages/core/src/probes/metrics-store.js";
import { round } from "./stats.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const NAIVE_WRITE_UNITS_PER_SERVER_HOUR = 480;

export interface ProbesBenchOptions {
  cycleSizes?: number[];
  /** Servers for the write-units and lost-minutes runs (in-process simulator on a manual clock). */
  economyServers?: number;
  economyMinutes?: number;
  lossServers?: number;
  lossMinutes?: number;
  /** Fleet sizes of the write-units-by-size runs (realistic mix), with simulated minutes each. */
  fleetSizes?: Array<{ servers: number; minutes: number }>;
  kmsServers?: number;
  write?: boolean;
}

class ManualClock implements Clock {
  constructor(public ms: number) {}
  now() {
    return new Date(this.ms);
  }
}

/** Registers servers by writing their items directly (registration speed is another benchmark's business). */
async function seedServers(ctx: FleetContext, roster: SimulatedServer[], now: Date): Promise<void> {
  const counters: Record<string, number> = {};
  const writes: Array<{ put: Record<string, unknown> }> = [];
  for (const s of roster) {
    const server: Server = {
      id: newId(),
      organization_id: DEFAULT_ORGANIZATION_ID,
      name: s.name,
      description: null,
      hostname: s.hostname,
      api_url: s.api_url,
      version: null,
      region: s.region,
      environment: s.environment,
      status: "active",
      health_status: "unknown",
      last_seen_at: null,
      last_health_check_at: null,
      response_time_ms: null,
      tags: s.tags,
      metadata: {},
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    const item = toServerItem(
      server,
      await ctx.secrets.encrypt(s.token, { organization_id: DEFAULT_ORGANIZATION_ID, server_id: server.id }),
      1,
    );
    writes.push({ put: item as unknown as Record<string, unknown> });
    writes.push({ put: nameItem(item) as unknown as Record<string, unknown> });
    for (const [name, n] of Object.entries(contribution(server))) counters[`n:${name}`] = (counters[`n:${name}`] ?? 0) + n;
  }
  await ctx.table.batchWrite(writes);
  await ctx.table.put({ Item: { ...keys.summary(DEFAULT_ORGANIZATION_ID), ...counters } });
}

async function startSimulatorProcess(count: number, mix: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "fleetplane-probes-bench-"));
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "packages/agent/src/simulator/main.ts"),
      "--count",
      String(count),
      "--seed",
      "7",
      "--mix",
      mix,
      "--out",
      join(dir, "servers.jsonl"),
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  return {
    url: (JSON.parse(line) as { url: string }).url,
    stop: async () => {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The local runtime as every probing benchmark runs it: in memory, no schedule (cycles are run by hand). */
function benchFleet(options: Partial<LocalOptions> = {}): Promise<LocalFleetplane> {
  return startLocalFleetplane({
    inMemory: true,
    port: 0,
    adminKey: "bench-admin-key-0123456789abcdef-0123",
    probeSchedule: false,
    outboxIntervalMs: 3_600_000,
    ...options,
  });
}

/** One full health cycle (health + metrics) at `count` servers: wall time, CPU and peak RSS of this process. */
async function fullCycle(count: number) {
  const sim = await startSimulatorProcess(count, "realistic");
  const fleetplane = await benchFleet();
  try {
    await seedServers(fleetplane.ctx, fleetRoster(count, 7, sim.url), new Date());
    const cycles = [];
    // The first cycle turns every server from unknown to its status (a transition each); the second is steady state.
    for (const label of ["first (every server transitions)", "steady"]) {
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
      const cpu = process.cpuUsage();
      const started = performance.now();
      const dispatched = await fleetplane.probes.tick({ metrics: true });
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      clearInterval(sampler);
      cycles.push({
        cycle: label,
        servers: dispatched.servers,
        batches: dispatched.batches.length,
        seconds: round(wallMs / 1000),
        within_30_s: wallMs < 30_000,
        cpu_percent_of_one_core: round(((used.user + used.system) / 1000 / wallMs) * 100, 0),
        peak_rss_mb: round(peakRss / 2 ** 20, 0),
      });
      await fleetplane.flushEvents();
    }
    return { servers: count, cycles };
  } finally {
    await fleetplane.close();
    await sim.stop();
  }
}

async function manualFleet(
  count: number,
  start: number,
  mix: "all-healthy" | "realistic",
): Promise<{
  fleetplane: LocalFleetplane;
  clock: ManualClock;
  sim: Awaited<ReturnType<typeof startSimulator>>;
  close: () => Promise<void>;
}> {
  const clock = new ManualClock(start);
  const sim = await startSimulator({ count, seed: 7, mix, now: () => clock.ms });
  // The simulator shares this process here: two batches at once keep every agent answering well inside the
  // 5 s timeout, so a healthy fleet is not measured with false failures (and their transitions). At 10,000
  // servers eight at once keep a cycle's wall time (bound by the slow and timing-out agents of each batch) to
  // about a minute; the write units do not depend on it.
  const fleetplane = await benchFleet({ clock, probeWorkers: count >= 5_000 ? 8 : 2 });
  await seedServers(fleetplane.ctx, sim.servers, clock.now());
  return { fleetplane, clock, sim, close: async () => (await fleetplane.close(), await sim.close()) };
}

/** Write units per server per hour over `minutes` of simulated time at 30 s health / 60 s metrics. */
export async function writeEconomy(count: number, minutes: number, mix: "all-healthy" | "realistic") {
  const hour = 3_600_000;
  // Start ten minutes before an hour so the window holds an hourly rollup and two heartbeats.
  const start = Math.floor(Date.now() / hour) * hour - 10 * 60_000;
  const f = await manualFleet(count, start, mix);
  try {
    await f.fleetplane.probes.tick({ metrics: true }); // first cycle: every server's first transition, not steady state
    f.fleetplane.ctx.table.meter.reset();
    const cycles = minutes * 2;
    for (let i = 1; i <= cycles; i++) {
      f.clock.ms = start + i * 30_000;
      await f.fleetplane.probes.tick({ metrics: i % 2 === 0 });
    }
    const meter = f.fleetplane.ctx.table.meter.snapshot();
    const perServerHour = (units: number) => round((units / count) * (60 / minutes), 2);
    return {
      servers: count,
      mix,
      simulated_minutes: minutes,
      write_units_per_server_hour: perServerHour(meter.writeUnits),
      read_units_per_server_hour: perServerHour(meter.readUnits),
      naive_write_units_per_server_hour: NAIVE_WRITE_UNITS_PER_SERVER_HOUR,
      by_operation: Object.fromEntries(
        Object.entries(meter.byOperation).map(([op, t]) => [
          op,
          { write_units_per_server_hour: perServerHour(t.writeUnits), requests: t.requests },
        ]),
      ),
    };
  } finally {
    await f.close();
  }
}

/** 5 % of metrics polls fail (the agent refuses), at random; then counts the stored one-minute points. */
async function minutesLost(count: number, minutes: number) {
  const start = Math.floor(Date.now() / 60_000) * 60_000;
  const f = await manualFleet(count, start, "all-healthy");
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  try {
    await f.fleetplane.probes.tick({ metrics: true });
    let failedPolls = 0;
    for (let m = 1; m <= minutes; m++) {
      const down: number[] = [];
      for (let i = 0; i < count; i++) if (random() < 0.05) down.push(i);
      down.forEach((i) => f.sim.setProfile(i, { kind: "refused" }));
      failedPolls += down.length;
      f.clock.ms = start + m * 60_000;
      await f.fleetplane.probes.tick({ metrics: true });
      down.forEach((i) => f.sim.setProfile(i, { kind: "healthy" }));
    }
    // Servers that failed twice in a row are in backoff: a few more clean minutes let every one of them back.
    for (let m = minutes + 1; m <= minutes + 12; m++) {
      f.clock.ms = start + m * 60_000;
      await f.fleetplane.probes.tick({ metrics: true });
    }
    // Expected: every minute from the first cycle's newest sample to the end of the failure window.
    const from = start / 1000 - 60;
    const to = (start + minutes * 60_000) / 1000 - 60;
    const expectedPerServer = (to - from) / PERIOD_SECONDS["1m"] + 1;
    const ids = await f.fleetplane.ctx.table.queryAll<{ id: string }>({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
      ExpressionAttributeValues: { ":pk": keys.organizationPartition(DEFAULT_ORGANIZATION_ID), ":p": "SERVER#" },
    });
    const groups = new Map<number, Awaited<ReturnType<typeof readBuckets>>>();
    let stored = 0;
    const layout = await loadProbeLayout(f.fleetplane.ctx, DEFAULT_ORGANIZATION_ID);
    for (const { id } of ids) {
      const group = groupOf(layout, id);
      if (!groups.has(group)) groups.set(group, await readBuckets(f.fleetplane.ctx, DEFAULT_ORGANIZATION_ID, group, "1m", from, to));
      stored += groups.get(group)!.filter((b) => b.data[memberKey(id)]).length;
    }
    const expected = expectedPerServer * ids.length;
    return {
      servers: count,
      simulated_minutes: minutes,
      failed_polls: failedPolls,
      failed_poll_percent: round((failedPolls / (count * minutes)) * 100, 2),
      expected_minutes: expected,
      stored_minutes: stored,
      minutes_lost: expected - stored,
      lost_percent: round(((expected - stored) / expected) * 100, 4),
    };
  } finally {
    await f.close();
  }
}

/**
 * KMS calls per server-hour: 20 worker containers, each with its own secrets adapter (and so its own key
 * cache), receive the batches of a fleet at random for one simulated hour of 30 s cycles and open every
 * token of each batch. KMS is aws-sdk-client-mock (no local emulator); the data-key items live in dynalite.
 * Beside it, the same traffic under the former scheme (a data key per token, tokens cached 10 minutes per
 * container) is counted for comparison.
 */
export async function kmsCalls(servers: number) {
  const { mockKms, KMS_KEY_ID } = await import("../test/support/kms.js");
  const { DecryptCommand, GenerateDataKeyCommand, KMSClient } = await import("@aws-sdk/client-kms");
  const { KmsSecrets, Table } = await import("@fleetplane/core");
  const { ensureTable, localDynamoClient, startLocalDynamo } = await import("@fleetplane/local");
  const { intoBatches, intoGroups } = await import("../packages/core/src/probes/dispatch.js");
  const { groupsFor } = await import("../packages/core/src/probes/probe-layout.js");
  const kms = mockKms();
  const dynamo = await startLocalDynamo();
  try {
    const client = localDynamoClient(dynamo.endpoint);
    await ensureTable(client, "kms-bench");
    const table = new Table({ client, tableName: "kms-bench" });
    const clock = { ms: Date.UTC(2026, 11, 2) };
    const adapter = () => new KmsSecrets(KMS_KEY_ID, table, new KMSClient({}), { now: () => clock.ms });
    const api = adapter();
    const organizationId = DEFAULT_ORGANIZATION_ID;
    const targets = await Promise.all(
      Array.from({ length: servers }, async (_, i) => {
        const id = newId();
        return {
          id,
          name: `s${i}`,
          api_url: "https://a",
          api_token_enc: await api.encrypt(`token-${i}`, { organization_id: organizationId, server_id: id }),
        };
      }),
    );
    const generated = kms.commandCalls(GenerateDataKeyCommand).length;
    kms.resetHistory();
    const containers = Array.from({ length: 20 }, adapter);
    const formerCaches = containers.map(() => new Map<string, number>());
    const batches = intoBatches(intoGroups(groupsFor(servers), organizationId, targets), 100, { at: "", metrics: false });
    let seed = 4242;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let formerCalls = 0;
    const cycles = 120;
    for (let cycle = 0; cycle < cycles; cycle++) {
      clock.ms += 30_000;
      for (const batch of batches) {
        const c = Math.floor(random() * containers.length);
        for (const group of batch.groups)
          for (const t of group.servers) {
            await containers[c]!.decrypt(t.api_token_enc, { organization_id: organizationId, server_id: t.id });
            const until = formerCaches[c]!.get(t.id);
            if (until === undefined || until <= clock.ms) {
              formerCalls++;
              formerCaches[c]!.set(t.id, clock.ms + 10 * 60_000);
            }
          }
      }
    }
    const calls = kms.calls();
    return {
      servers,
      containers: containers.length,
      simulated_minutes: cycles / 2,
      batches_per_cycle: batches.length,
      kms_calls: calls.length,
      decrypt_calls: kms.commandCalls(DecryptCommand).length,
      calls_without_encryption_context: calls.filter((c) => !(c.args[0].input as { EncryptionContext?: object }).EncryptionContext).length,
      generate_data_key_calls_at_registration: generated,
      kms_calls_per_server_hour: round(calls.length / servers, 4),
      former_scheme_kms_calls_per_server_hour: round(formerCalls / servers, 2),
    };
  } finally {
    kms.restore();
    await dynamo.close();
  }
}

/** 10,000 runs over fewer simulated minutes to stay within the benchmark's time: the hourly rollup then weighs more (a slight overstatement). */
const FLEET_SIZES = [
  { servers: 10, minutes: 30 },
  { servers: 100, minutes: 30 },
  { servers: 10_000, minutes: 10 },
];

async function writeUnitsByFleetSize(sizes = FLEET_SIZES) {
  const bySize: Record<string, number> = {};
  const sizeRuns = [];
  for (const { servers, minutes } of sizes) {
    const run = await writeEconomy(servers, minutes, "realistic");
    sizeRuns.push(run);
    bySize[String(servers)] = run.write_units_per_server_hour;
  }
  return { bySize, sizeRuns };
}

/**
 * `npm run bench -- probes-fleet-sizes`: only the write units by fleet size (realistic mix), merged into an existing
 * bench/results/probes.json, for when the whole probes benchmark does not fit the time a machine has.
 */
export async function runProbesFleetSizesBench() {
  const file = join(root, "bench/results/probes.json");
  const previous = JSON.parse(readFileSync(file, "utf8")) as { results: Record<string, any> };
  const { bySize, sizeRuns } = await writeUnitsByFleetSize();
  const merged = { ...previous.results.write_units_per_server_hour_by_fleet_size, ...bySize };
  previous.results.write_units_per_server_hour_by_fleet_size = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => Number(a) - Number(b)));
  const runs = new Map((previous.results.write_units_by_fleet_size as Array<{ servers: number }>).map((r) => [r.servers, r]));
  for (const run of sizeRuns) runs.set(run.servers, run);
  previous.results.write_units_by_fleet_size = [...runs.values()].sort((a, b) => a.servers - b.servers);
  delete previous.results.write_units_per_server_hour_by_fleet_size_note;
  previous.results.write_units_by_fleet_size_date = new Date().toISOString();
  writeFileSync(file, JSON.stringify(previous, null, 2) + "\n");
  return { name: "probes-fleet-sizes", results: { write_units_per_server_hour_by_fleet_size: previous.results.write_units_per_server_hour_by_fleet_size, runs: sizeRuns } };
}

export async function runProbesBench(options: ProbesBenchOptions = {}) {
  const cycle = [];
  for (const size of options.cycleSizes ?? [1_000, 10_000]) cycle.push(await fullCycle(size));
  const economy = [
    await writeEconomy(options.economyServers ?? 1_000, options.economyMinutes ?? 30, "all-healthy"),
    // The realistic mix (flapping, timing-out servers: transitions and alerts), over the same window.
    await writeEconomy(options.economyServers ?? 1_000, options.economyMinutes ?? 30, "realistic"),
  ];
  const loss = await minutesLost(options.lossServers ?? 500, options.lossMinutes ?? 60);
  // Write units by fleet size (realistic mix); 1,000 is the realistic run above.
  const { bySize, sizeRuns } = await writeUnitsByFleetSize(options.fleetSizes);
  bySize[String(economy[1]!.servers)] = economy[1]!.write_units_per_server_hour;
  const kms = await kmsCalls(options.kmsServers ?? 10_000);
  const result = {
    name: "probes",
    date: new Date().toISOString(),
    node: process.version,
    cpus: (await import("node:os")).cpus().length,
    results: {
      full_health_cycle: cycle,
      write_units: economy,
      minutes_lost_with_5_percent_failed_polls: loss,
      write_units_per_server_hour_by_fleet_size: Object.fromEntries(Object.entries(bySize).sort(([a], [b]) => Number(a) - Number(b))),
      write_units_by_fleet_size: sizeRuns,
      kms_calls_per_server_hour: kms.kms_calls_per_server_hour,
      kms: kms,
      setup:
        "local runtime (dynalite in memory, in this process) with 16 probe batches of 100 servers at a time and 50 agent calls in flight per batch; full cycles against the simulator in a child process (realistic mix, wall clock); write units and lost minutes against an in-process simulator on a manual clock (2 batches at once, 30 s health, 60 s metrics cadence), from ConsumedCapacity",
    },
  };
  if (options.write !== false) {
    mkdirSync(join(root, "bench/results"), { recursive: true });
    writeFileSync(join(root, "bench/results/probes.json"), JSON.stringify(result, null, 2) + "\n");
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runProbesBench().then(
    (r) => {
      console.log(JSON.stringify(r.results, null, 2));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
