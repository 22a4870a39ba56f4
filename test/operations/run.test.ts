// Bulk operations end to end: the local runtime (dynalite, the local state machine) against the fleet simulator, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATION_TASKS, type FleetEvent, type TaskName } from "@fleetplane/core";
import { FLEET, startTestFleet, type TestFleet } from "../support/fleet.js";
import { allTargets, eventually, finished, simulatedFleet, type RegisteredFleet } from "./support.js";

let fleet: TestFleet;
let sim: RegisteredFleet;

beforeAll(async () => {
  fleet = await startTestFleet({ operationRetryIntervalMs: 20, probeSchedule: false });
  sim = await simulatedFleet(fleet, 200);
}, 180_000);
afterAll(async () => {
  await fleet?.close();
  await sim?.simulator.close();
});

const start = (body: Record<string, unknown>, key?: string) => fleet.request("POST", `${FLEET}/operations`, { body, key });

describe("running an operation", () => {
  it("runs on 200 servers with max_concurrency 10: never more than 10 at once, and completes", async () => {
    for (let i = 0; i < 200; i++) sim.simulator.setOperationBehaviour(i, { outcome: "succeed", delay_ms: 15 });
    sim.simulator.resetStats();
    const res = await start({
      operation_type: "restart_services",
      server_ids: sim.ids,
      parameters: { services: ["app.service"] },
      max_concurrency: 10,
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "pending", total_servers: 200, effective_max_concurrency: 10, progress_percent: 0 });

    const done = await finished(fleet, res.body.id);
    expect(done).toMatchObject({
      status: "completed",
      total_servers: 200,
      completed_servers: 200,
      failed_servers: 0,
      skipped_servers: 0,
      progress_percent: 100,
      error_summary: null,
    });
    expect(done.started_at).not.toBeNull();
    expect(done.completed_at).not.toBeNull();
    const concurrency = sim.simulator.operationConcurrency();
    expect(concurrency.max).toBeLessThanOrEqual(10);
    expect(concurrency.max).toBeGreaterThan(1);

    const targets = await allTargets(fleet, res.body.id);
    expect(targets).toHaveLength(200);
    expect(
      targets.every(
        (t) => t.status === "succeeded" && t.attempts === 1 && t.finished_at && t.output?.includes("restart_services completed"),
      ),
    ).toBe(true);
    // Targets keep the fleet's registration order (ids are time-ordered).
    expect(targets.map((t) => t.server_id)).toEqual([...sim.ids].sort());
    // Each server got exactly one request, carrying a per-server key derived from the operation.
    const received = sim.simulator.received(17).operations;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      operation_type: "restart_services",
      idempotency_key: `${res.body.id}/${sim.ids[17]}`,
      parameters: { services: ["app.service"] },
    });
  });

  it("stops after the 4th failure with max_errors 3: the rest are skipped and the operation fails", async () => {
    const ids = sim.ids.slice(0, 30);
    for (let i = 0; i < 30; i++) sim.simulator.setOperationBehaviour(i, { outcome: "fail", error: "unit failed to start" });
    const res = await start({
      operation_type: "deploy_update",
      server_ids: ids,
      parameters: { version: "2.4.1" },
      max_concurrency: 1,
      max_errors: 3,
    });
    expect(res.status).toBe(202);
    const done = await finished(fleet, res.body.id);
    expect(done).toMatchObject({ status: "failed", failed_servers: 4, skipped_servers: 26, completed_servers: 0, progress_percent: 100 });
    expect(done.error_summary).toContain("max_errors (3)");
    const targets = await allTargets(fleet, res.body.id);
    expect(targets.slice(0, 4).every((t) => t.status === "failed" && t.error === "unit failed to start")).toBe(true);
    expect(targets.slice(4).every((t) => t.status === "skipped" && t.attempts === 0)).toBe(true);
    // Targets run in registration order (ids are time-ordered): the first four failed, the others never got a request.
    const order = [...ids].sort();
    const failedOnly = await allTargets(fleet, res.body.id, "status=failed");
    expect(failedOnly.map((t) => t.server_id)).toEqual(order.slice(0, 4));
    for (const id of order.slice(4)) {
      expect(sim.simulator.received(sim.ids.indexOf(id)).operations.filter((o) => o.operation_type === "deploy_update")).toHaveLength(0);
    }
    for (let i = 0; i < 30; i++) sim.simulator.setOperationBehaviour(i, { outcome: "succeed" });
  });

  it("ends partial when some servers fail within max_errors", async () => {
    sim.simulator.setOperationBehaviour(40, { outcome: "fail" });
    const res = await start({
      operation_type: "restart_services",
      server_ids: sim.ids.slice(40, 50),
      parameters: { services: ["nginx.service"] },
      max_errors: "20%",
    });
    const done = await finished(fleet, res.body.id);
    expect(done).toMatchObject({ status: "partial", completed_servers: 9, failed_servers: 1, effective_max_errors: 2 });
    sim.simulator.setOperationBehaviour(40, { outcome: "succeed" });
  });

  it("cancels mid-run: running servers finish, the rest become cancelled, then the operation is cancelled", async () => {
    const ids = sim.ids.slice(50, 110);
    for (let i = 50; i < 110; i++) sim.simulator.setOperationBehaviour(i, { outcome: "slow", delay_ms: 100 });
    const res = await start({
      operation_type: "restart_services",
      server_ids: ids,
      parameters: { services: ["app.service"] },
      max_concurrency: 3,
    });
    await eventually(async () => {
      const op = await fleet.request("GET", `${FLEET}/operations/${res.body.id}`);
      return op.body.completed_servers >= 3 ? op.body : undefined;
    });
    // Every task invocation from the cancel on, as Lambda would count them.
    const invocations: Partial<Record<TaskName, number>> = {};
    const original = { ...OPERATION_TASKS };
    for (const task of Object.keys(OPERATION_TASKS) as TaskName[]) {
      OPERATION_TASKS[task] = (ctx, input) => {
        invocations[task] = (invocations[task] ?? 0) + 1;
        return original[task](ctx, input);
      };
    }
    let done: any;
    try {
      const cancel = await fleet.request("POST", `${FLEET}/operations/${res.body.id}/cancel`);
      expect(cancel.status).toBe(202);
      expect(cancel.body.status).toBe("cancelling");
      done = await finished(fleet, res.body.id);
    } finally {
      Object.assign(OPERATION_TASKS, original);
    }
    expect(done.status).toBe("cancelled");
    expect(done.cancelled_servers).toBeGreaterThan(30);
    // O(1) in the remaining targets: iterations that began while the cancel request was on its way run
    // normally, then the first target reached after the cancel ends the Map (at most one per concurrent slot);
    // the servers in flight record their own results, and Finalize settles the rest at once.
    expect(invocations.runOnServer ?? 0).toBeLessThanOrEqual(2 * 3);
    expect(invocations.recordResult ?? 0).toBe(0);
    expect(invocations.prepare ?? 0).toBe(0);
    expect(invocations.finalize ?? 0).toBeGreaterThanOrEqual(1);
    expect(invocations.finalize ?? 0).toBeLessThanOrEqual(10);
    expect(done.completed_servers + done.cancelled_servers).toBe(60);
    const targets = await allTargets(fleet, res.body.id);
    expect(targets.filter((t) => t.status === "cancelled").length).toBe(done.cancelled_servers);
    expect(targets.some((t) => t.status === "running" || t.status === "pending")).toBe(false);

    const again = await fleet.request("POST", `${FLEET}/operations/${res.body.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
    for (let i = 50; i < 110; i++) sim.simulator.setOperationBehaviour(i, { outcome: "succeed" });
  }, 120_000);

  it("returns the same operation when the create call is retried with its idempotency key", async () => {
    const body = { operation_type: "run_health_check", server_ids: sim.ids.slice(120, 125), idempotency_key: "nightly-check-2026-11-23" };
    const first = await start(body);
    const retry = await start({ ...body, parameters: {} });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.body.id).toBe(first.body.id);
    const conflicting = await start({ ...body, server_ids: sim.ids.slice(120, 126) });
    expect(conflicting.status).toBe(409);
    const list = await fleet.request("GET", `${FLEET}/operations?limit=200`);
    expect(list.body.items.filter((o: any) => o.idempotency_key === body.idempotency_key)).toHaveLength(1);
    const done = await finished(fleet, first.body.id);
    expect(done.status).toBe("completed");
    const targets = await allTargets(fleet, first.body.id);
    expect(JSON.parse(targets[0].output)).toMatchObject({ status: "healthy" });
  });

  it("retries an agent that did not answer in time with the same key, so the operation runs once", async () => {
    // The first call times out (timeout_seconds 1 + the grace the client waits); the retry gets the first run's result.
    sim.simulator.setOperationBehaviour(130, { outcome: "slow", delay_ms: 11_500 });
    sim.simulator.resetStats();
    const res = await start({
      operation_type: "update_config",
      server_ids: [sim.ids[130]],
      parameters: { config: { log_level: "debug" } },
      timeout_seconds: 1,
    });
    const done = await finished(fleet, res.body.id, 60_000);
    expect(done.status).toBe("completed");
    const [target] = await allTargets(fleet, res.body.id);
    expect(target.attempts).toBe(2);
    const received = sim.simulator.received(130);
    // At least the two attempts (the HTTP client may also resend once on a connection dropped by the abort).
    expect(received.operations.length).toBeGreaterThanOrEqual(2);
    expect(new Set(received.operations.map((o) => o.idempotency_key)).size).toBe(1);
    expect(received.executed_operations).toBe(1);
  }, 60_000);

  it("stores the agent's output of collect_diagnostics with each server's result", async () => {
    const res = await start({ operation_type: "collect_diagnostics", server_ids: sim.ids.slice(140, 143) });
    const done = await finished(fleet, res.body.id);
    expect(done.status).toBe("completed");
    const targets = await allTargets(fleet, res.body.id);
    expect(targets.every((t) => t.output?.includes("collect_diagnostics completed"))).toBe(true);
  });

  it("publishes Started, one Finished per server and Finished through the outbox", async () => {
    const seen: FleetEvent[] = [];
    const unsubscribe = fleet.runtime.bus.subscribe(
      { "detail-type": ["Bulk Operation Started", "Server Operation Finished", "Bulk Operation Finished"] },
      (event) => {
        seen.push(event);
      },
    );
    const res = await start({
      operation_type: "restart_services",
      server_ids: sim.ids.slice(150, 153),
      parameters: { services: ["a.service"] },
    });
    await finished(fleet, res.body.id);
    const mine = await eventually(async () => {
      await fleet.runtime.flushEvents();
      const events = seen.filter((e) => e.detail.data.operation_id === res.body.id);
      return events.length >= 5 ? events : undefined;
    });
    unsubscribe();
    const count = (type: string) => mine.filter((e) => e.detail_type === type).length;
    expect([count("Bulk Operation Started"), count("Server Operation Finished"), count("Bulk Operation Finished")]).toEqual([1, 3, 1]);
    const last = mine.find((e) => e.detail_type === "Bulk Operation Finished")!;
    expect(last.detail.data).toMatchObject({ status: "completed", completed_servers: 3, total_servers: 3 });
  });
});
