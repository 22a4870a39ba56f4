// `npm start` killed with SIGKILL at random moments of a mixed write load, round after round on one data dir:
// every restart finds every fleet invariant holding (summary = servers, guards, tag entries, group members).
// FLEETPLANE_CRASH_ROUNDS raises the number of rounds (default 20); FLEETPLANE_CRASH_SEED replays a run.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";
import { checkConsistency, Table } from "@fleetplane/core";
import { localDynamoClient, startLocalDynamo } from "@fleetplane/local";
import { serverToken, startSimulator, type Simulator } from "@fleetplane/agent/simulator";
import { transactionJournalPath } from "../../packages/local/src/dynamo/dynamo-server.js";
import { unfinishedEntries } from "../../packages/local/src/dynamo/transaction-journal.js";
import { Load, seededRandom } from "./load.js";

const ROUNDS = Number(process.env.FLEETPLANE_CRASH_ROUNDS ?? 20);
const SEED = Number(process.env.FLEETPLANE_CRASH_SEED ?? Date.now() % 1_000_000);
const MAIN = fileURLToPath(new URL("../../packages/local/src/main.ts", import.meta.url));
const ADMIN_KEY = "crash-test-platform-key-0123456789";
const dataDir = mkdtempSync(join(tmpdir(), "fleetplane-crash-"));
const children = new Set<ChildProcess>();
let simulator: Simulator | undefined;
afterAll(async () => {
  children.forEach((child) => child.kill("SIGKILL"));
  await simulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `npm start` on the data dir (node directly, without npm's own start-up); resolves with its URL once it serves. */
function start(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "--port", "0", "--data-dir", dataDir, "--admin-key", ADMIN_KEY], {
    // Probing on its schedule is left out (on-demand checks and operations probe); the load drives every write.
    env: {
      ...process.env,
      FLEETPLANE_HEALTH_INTERVAL_SECONDS: "3600",
      FLEETPLANE_METRICS_INTERVAL_SECONDS: "3600",
      FLEETPLANE_PROBE_BACKOFF_MAX_SECONDS: "3600",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Fleetplane is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code, signal) => reject(new Error(`npm start exited (${code ?? signal}):\n${output}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
    children.delete(child);
  });
}

/** Opens the store as a start does (rolling back what the killed process left unfinished) and checks every invariant. */
async function checkStore() {
  const store = join(dataDir, "dynamodb");
  const journal = transactionJournalPath(store);
  const unfinished = existsSync(journal) ? unfinishedEntries(readFileSync(journal, "utf8")).length : 0;
  const dynamo = await startLocalDynamo({ path: store });
  const client = localDynamoClient(dynamo.endpoint);
  try {
    return { unfinished, report: await checkConsistency(new Table({ client, tableName: "fleetplane" })) };
  } finally {
    client.destroy();
    await dynamo.close();
  }
}

test(
  `a Fleetplane killed at random moments of a mixed write load restarts with every invariant holding (${ROUNDS} rounds, seed ${SEED})`,
  { timeout: ROUNDS * 90_000 },
  async () => {
    simulator = await startSimulator({ count: 30, mix: "realistic" });
    const agents = simulator.servers.map((s) => ({ url: s.api_url, token: serverToken(1, s.index) }));
    const random = seededRandom(SEED);
    let rolledBack = 0;
    let writes = 0;
    const statuses: Record<string, number> = {};
    for (let round = 1; round <= ROUNDS; round++) {
      const { child, url } = await start();
      const load = new Load(url, ADMIN_KEY, agents, random, round);
      // What the API answers agrees with itself after the restart: the summary counts what the list returns.
      const { listed, summary } = await load.listAndSummary();
      expect({ round, summary }).toEqual({ round, summary: listed });
      await load.begin();
      // The kill comes at a random moment once the load is under way: after a few answered writes, then 0-1.5 s.
      await load.answeredAtLeast(3);
      await new Promise((resolve) => setTimeout(resolve, random() * 1500));
      await kill(child);
      writes += await load.end();
      Object.entries(load.statuses).forEach(([status, n]) => (statuses[status] = (statuses[status] ?? 0) + n));
      const { unfinished, report } = await checkStore();
      rolledBack += unfinished;
      expect({ round, problems: report.problems }).toEqual({ round, problems: [] });
    }
    console.log(JSON.stringify({ rounds: ROUNDS, seed: SEED, writes_answered: writes, transactions_rolled_back: rolledBack, statuses }));
    expect(writes).toBeGreaterThan(ROUNDS);
  },
);
