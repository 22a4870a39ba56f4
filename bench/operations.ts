// Benchmark: one restart_services over 1,000 simulated servers at max_concurrency 50, each agent call taking
// ~200 ms, on the local runtime (dynalite in memory, the real state machine run locally). Measures the wall
// time against the ideal, the control plane's overhead per server, how soon a finished server shows in the
// API, and DynamoDB capacity per server. Run with `npm run bench -- operations`; writes bench/results/operations.json.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { registrationOf, startSimulator } from "@fleetplane/agent/simulator";
import { OPERATION_TASKS, type TaskName } from "@fleetplane/core";
import { startLocalFleetplane } from "@fleetplane/local";
import { round, summarize, type LatencySummary } from "./stats.js";

export interface OperationsBenchOptions {
  servers?: number;
  concurrency?: number;
  agentDelayMs?: number;
  write?: boolean;
}

export interface OperationsBenchResult {
  name: "operations";
  date: string;
  node: string;
  results: {
    servers: number;
    max_concurrency: number;
    agent_delay_ms: number;
    map_mode: string;
    wall_seconds: number;
    ideal_seconds: number;
    efficiency: number;
    overhead_ms_per_server: number;
    simulator_max_concurrency: number;
    visible_after_agent_finished_ms: LatencySummary;
    write_units_per_server: number;
    read_units_per_server: number;
    write_units_by_operation: Record<string, number>;
    status: string;
    load_average_1m: number;
    setup: string;
    cancel: CancelBenchResult;
  };
}

/** What a cancel costs: task (Lambda) invocations from the cancel call to the operation's end. */
export interface CancelBenchResult {
  servers: number;
  max_concurrency: number;
  settled_at_cancel: number;
  not_started_at_cancel: number;
  task_invocations_after_cancel: number;
  task_invocations_after_cancel_by_task: Record<string, number>;
  cancelled_servers: number;
  status: string;
}

/** A local runtime with `servers` simulated agents registered through the API (20 at a time), and a caller of its API. */
async function startRegisteredFleet(servers: number) {
  const adminKey = "bench-operations-admin-key-0123456789";
  const simulator = await startSimulator({ count: servers, seed: 5 });
  const fleet = await startLocalFleetplane({ inMemory: true, port: 0, adminKey, probeSchedule: false });
  const headers = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fleet.url}/api/v1/fleet${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const ids: string[] = [];
  try {
    for (let start = 0; start < servers; start += 20) {
      const created = await Promise.all(simulator.servers.slice(start, start + 20).map((s) => call("POST", "/servers", registrationOf(s))));
      for (const res of created) {
        if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
        ids.push(res.body.id);
      }
    }
  } catch (error) {
    await fleet.close();
    await simulator.close();
    throw error;
  }
  return { simulator, fleet, call, ids };
}

export async function runOperationsBench(options: OperationsBenchOptions = {}): Promise<OperationsBenchResult> {
  const servers = options.servers ?? 1_000;
  const concurrency = options.concurrency ?? 50;
  const delay = options.agentDelayMs ?? 200;
  const { simulator, fleet, call, ids } = await startRegisteredFleet(servers);
  try {
    for (let i = 0; i < servers; i++) simulator.setOperationBehaviour(i, { outcome: "succeed", delay_ms: delay });
    simulator.resetStats();
    fleet.ctx.table.meter.reset();
    const before = fleet.ctx.table.meter.snapshot();

    const started = Date.now();
    const created = await call("POST", "/operations", {
      operation_type: "restart_services",
      server_ids: ids,
      parameters: { services: ["app.service"] },
      max_concurrency: concurrency,
    });
    if (created.status !== 202) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
    const polls: Array<{ at: number; settled: number }> = [];
    let operation: any;
    for (;;) {
      operation = (await call("GET", `/operations/${created.body.id}`)).body;
      const settled = operation.completed_servers + operation.failed_servers + operation.skipped_servers + operation.cancelled_servers;
      polls.push({ at: Date.now(), settled });
      if (["completed", "partial", "failed", "cancelled"].includes(operation.status)) break;
      if (Date.now() - started > 600_000) throw new Error("operation did not finish within 10 minutes");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const finishedAt = Date.parse(operation.completed_at);
    const wallSeconds = (finishedAt - started) / 1000;
    const after = fleet.ctx.table.meter.snapshot();

    // When the k-th agent call finished (request arrival + the simulated work) against when the API first counted k servers.
    const agentDone = simulator.servers.map((s) => Date.parse(simulator.received(s.index).operations[0]!.at) + delay).sort((a, b) => a - b);
    const lags: number[] = [];
    for (let k = 1; k <= agentDone.length; k++) {
      const seen = polls.find((p) => p.settled >= k);
      if (seen) lags.push(Math.max(0, seen.at - agentDone[k - 1]!));
    }

    const ideal = (servers / concurrency) * (delay / 1000);
    const byOperation = Object.fromEntries(
      Object.entries(after.byOperation).map(([op, totals]) => [
        op,
        round((totals.writeUnits - (before.byOperation[op]?.writeUnits ?? 0)) / servers, 2),
      ]),
    );
    const result: OperationsBenchResult = {
      name: "operations",
      date: new Date().toISOString(),
      node: process.version,
      results: {
        servers,
        max_concurrency: concurrency,
        agent_delay_ms: delay,
        map_mode: concurrency > 40 || servers > 1000 ? "distributed (run inline locally)" : "inline",
        wall_seconds: round(wallSeconds),
        ideal_seconds: round(ideal),
        efficiency: round(ideal / wallSeconds),
        overhead_ms_per_server: round(((wallSeconds - ideal) * 1000 * concurrency) / servers),
        simulator_max_concurrency: simulator.operationConcurrency().max,
        visible_after_agent_finished_ms: summarize(lags),
        write_units_per_server: round((after.writeUnits - before.writeUnits) / servers),
        read_units_per_server: round((after.readUnits - before.readUnits) / servers),
        write_units_by_operation: byOperation,
        status: operation.status,
        load_average_1m: round(loadavg()[0] ?? 0),
        cancel: undefined as unknown as CancelBenchResult,
        setup: `local runtime in one Node process (dynalite in memory, aws-local-stepfunctions, the API), simulator in the same process, ${cpus().length} vCPUs; the API polled every 25 ms. Locally every task shares one event loop, so the wall time measures the control plane's CPU per server, not Step Functions`,
      },
    };
    result.results.cancel = await runCancelCase(call, ids.slice(0, Math.min(ids.length, 400)), simulator, delay);
    if (options.write !== false)
      writeFileSync(fileURLToPath(new URL("./results/operations.json", import.meta.url)), JSON.stringify(result, null, 2) + "\n");
    return result;
  } finally {
    await fleet.close();
    await simulator.close();
  }
}

/**
 * `npm run bench -- operations-cancel`: only the cancel case (400 servers), merged into an existing
 * bench/results/operations.json, for when the whole operations benchmark does not fit the time a machine has.
 */
export async function runOperationsCancelBench(): Promise<{ name: string; results: CancelBenchResult }> {
  const servers = 400;
  const delay = 200;
  const { simulator, fleet, call, ids } = await startRegisteredFleet(servers);
  try {
    const cancel = { ...(await runCancelCase(call, ids, simulator, delay)), date: new Date().toISOString(), load_average_1m: round(loadavg()[0] ?? 0) };
    const file = fileURLToPath(new URL("./results/operations.json", import.meta.url));
    const previous = JSON.parse(readFileSync(file, "utf8")) as OperationsBenchResult;
    previous.results.cancel = cancel;
    writeFileSync(file, JSON.stringify(previous, null, 2) + "\n");
    return { name: "operations-cancel", results: cancel };
  } finally {
    await fleet.close();
    await simulator.close();
  }
}

/**
 * Starts an operation at max_concurrency 10, cancels it once 30 servers have settled, and counts every task
 * invocation from the cancel call to the operation's end (wrapping the task functions the local runner calls,
 * as Lambda would count invocations).
 */
async function runCancelCase(
  call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>,
  ids: string[],
  simulator: { setOperationBehaviour(index: number, behaviour: { outcome: "succeed"; delay_ms: number }): void },
  delay: number,
): Promise<CancelBenchResult> {
  const concurrency = 10;
  const counts: Record<string, number> = {};
  let counting = false;
  const original = { ...OPERATION_TASKS };
  for (const task of Object.keys(OPERATION_TASKS) as TaskName[]) {
    OPERATION_TASKS[task] = (ctx, input) => {
      if (counting) counts[task] = (counts[task] ?? 0) + 1;
      return original[task](ctx, input);
    };
  }
  try {
    for (let i = 0; i < ids.length; i++) simulator.setOperationBehaviour(i, { outcome: "succeed", delay_ms: delay });
    const created = await call("POST", "/operations", {
      operation_type: "restart_services",
      server_ids: ids,
      parameters: { services: ["app.service"] },
      max_concurrency: concurrency,
    });
    if (created.status !== 202) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
    const started = Date.now();
    let operation: any;
    for (;;) {
      operation = (await call("GET", `/operations/${created.body.id}`)).body;
      if (operation.completed_servers >= 30) break;
      if (Date.now() - started > 120_000) throw new Error("the operation did not reach 30 servers within 2 minutes");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    counting = true;
    const cancel = await call("POST", `/operations/${created.body.id}/cancel`);
    if (cancel.status !== 202) throw new Error(`cancel failed: ${cancel.status}`);
    const settledAtCancel = operation.completed_servers + operation.failed_servers;
    for (;;) {
      operation = (await call("GET", `/operations/${created.body.id}`)).body;
      if (["completed", "partial", "failed", "cancelled"].includes(operation.status)) break;
      if (Date.now() - started > 300_000) throw new Error("the cancelled operation did not end within 5 minutes");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    counting = false;
    return {
      servers: ids.length,
      max_concurrency: concurrency,
      settled_at_cancel: settledAtCancel,
      not_started_at_cancel: ids.length - settledAtCancel - concurrency,
      task_invocations_after_cancel: Object.values(counts).reduce((a, b) => a + b, 0),
      task_invocations_after_cancel_by_task: counts,
      cancelled_servers: operation.cancelled_servers,
      status: operation.status,
    };
  } finally {
    Object.assign(OPERATION_TASKS, original);
  }
}
