// An execution that ends without its Finalize state (stopped by hand, timed out, failed in Finalize) finalizes
// its operation from Step Functions' "Execution Status Change" event, so no operation stays `running`.
// The local executions are stopped the way a hand stop leaves them; the event is the one AWS delivers.
import { afterEach, expect, test } from "vitest";
import { startSimulator, type Simulator } from "@fleetplane/agent/simulator";
import { finalizeEndedExecution, type OperationRef } from "@fleetplane/core";
import { FLEET, startTestFleet, type TestFleet } from "../support/fleet.js";
import { allTargets, eventually, registerSimulatedFleet } from "./support.js";

const MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:prod-fleetplane-operations";

/** The `detail` of the EventBridge event Step Functions sends when an execution ends. */
function statusChange(ref: OperationRef, status: string, options: { input?: boolean; child?: boolean } = {}) {
  const executionArn = options.child
    ? `${MACHINE.replace(":stateMachine:", ":execution:")}/run-on-servers:${ref.operation_id}`
    : `${MACHINE.replace(":stateMachine:", ":execution:")}:${ref.operation_id}`;
  return {
    executionArn,
    stateMachineArn: MACHINE,
    name: ref.operation_id,
    status,
    startDate: Date.now() - 5_000,
    stopDate: Date.now(),
    input: options.input === false ? null : JSON.stringify(ref),
    inputDetails: { included: options.input !== false },
    output: null,
    error: null,
    cause: null,
  };
}

let fleet: TestFleet | undefined;
let simulator: Simulator | undefined;
afterEach(async () => {
  await fleet?.close();
  await simulator?.close();
});

/** An operation over 6 slow agents, one at a time, whose execution is stopped once two servers have finished. */
async function stoppedMidRun(): Promise<OperationRef> {
  fleet = await startTestFleet({ probeSchedule: false });
  simulator = await startSimulator({ count: 6, seed: 9 });
  const ids = await registerSimulatedFleet(fleet, simulator);
  for (let i = 0; i < 6; i++) simulator.setOperationBehaviour(i, { outcome: "slow", delay_ms: 300 });
  const res = await fleet.request("POST", `${FLEET}/operations`, {
    body: { operation_type: "restart_services", server_ids: ids, parameters: { services: ["app.service"] }, max_concurrency: 1 },
  });
  expect(res.status).toBe(202);
  await eventually(async () => {
    const op = await fleet!.request("GET", `${FLEET}/operations/${res.body.id}`);
    return op.body.completed_servers >= 2 ? op.body : undefined;
  });
  await fleet.runtime.workflows.close();
  return { organization_id: res.body.organization_id, operation_id: res.body.id };
}

test("a stopped execution ends its operation failed: finished servers kept, one caught mid-call failed, the rest skipped", async () => {
  const ref = await stoppedMidRun();
  const ctx = fleet!.runtime.ctx;
  expect((await fleet!.request("GET", `${FLEET}/operations/${ref.operation_id}`)).body.status).toBe("running");

  // Events that are not the operation's own execution ending without Finalize change nothing.
  expect(await finalizeEndedExecution(ctx, statusChange(ref, "SUCCEEDED"))).toBeUndefined();
  expect(await finalizeEndedExecution(ctx, statusChange(ref, "ABORTED", { child: true }))).toBeUndefined();
  expect(await finalizeEndedExecution(ctx, { executionArn: 42 })).toBeUndefined();
  expect((await fleet!.request("GET", `${FLEET}/operations/${ref.operation_id}`)).body.status).toBe("running");

  expect(await finalizeEndedExecution(ctx, statusChange(ref, "ABORTED"))).toEqual({ status: "failed" });
  const op = (await fleet!.request("GET", `${FLEET}/operations/${ref.operation_id}`)).body;
  expect(op.status).toBe("failed");
  expect(op.error_summary).toContain("the execution was stopped");
  expect(op.completed_at).not.toBeNull();
  const targets = await allTargets(fleet!, ref.operation_id);
  const by = (status: string) => targets.filter((t) => t.status === status);
  expect(by("succeeded").length).toBeGreaterThanOrEqual(2);
  expect(by("skipped").length).toBeGreaterThanOrEqual(1);
  for (const t of by("failed")) expect(t.error).toMatch(/^interrupted: .*the execution was stopped/);
  expect(by("succeeded").length + by("failed").length + by("skipped").length).toBe(6);
  expect([op.completed_servers, op.failed_servers, op.skipped_servers]).toEqual([
    by("succeeded").length,
    by("failed").length,
    by("skipped").length,
  ]);

  // EventBridge delivers at least once: a second delivery leaves the finished operation as it is.
  expect(await finalizeEndedExecution(ctx, statusChange(ref, "ABORTED"))).toEqual({ status: "failed" });
  expect((await fleet!.request("GET", `${FLEET}/operations/${ref.operation_id}`)).body).toEqual(op);
});

test("an event without the execution's input finds the operation among the unfinished ones; a cancel under way ends it cancelled", async () => {
  const ref = await stoppedMidRun();
  expect((await fleet!.request("POST", `${FLEET}/operations/${ref.operation_id}/cancel`)).status).toBe(202);

  expect(await finalizeEndedExecution(fleet!.runtime.ctx, statusChange(ref, "TIMED_OUT", { input: false }))).toEqual({
    status: "cancelled",
  });
  const op = (await fleet!.request("GET", `${FLEET}/operations/${ref.operation_id}`)).body;
  expect(op.status).toBe("cancelled");
  expect(op.cancelled_servers).toBeGreaterThanOrEqual(1);
  const targets = await allTargets(fleet!, ref.operation_id);
  expect(targets.filter((t) => t.status === "pending" || t.status === "running")).toEqual([]);
});
