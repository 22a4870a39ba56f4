// A local runtime stopped in the middle of an operation resumes it on the next start; it never stays `running`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSimulator, type Simulator } from "@fleetplane/agent/simulator";
import { FLEET, startTestFleet, type TestFleet } from "../support/fleet.js";
import { allTargets, eventually, finished, registerSimulatedFleet } from "./support.js";

let dataDir: string;
let simulator: Simulator;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "fleetplane-restart-"));
  simulator = await startSimulator({ count: 30, seed: 3 });
});
afterAll(async () => {
  await simulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const persistent = (): Promise<TestFleet> =>
  startTestFleet({ inMemory: false, dataDir, operationRetryIntervalMs: 20, probeSchedule: false });

it("resumes an interrupted operation after a restart: finished servers are not run again, the rest complete", async () => {
  let fleet = await persistent();
  const ids = await registerSimulatedFleet(fleet, simulator);
  for (let i = 0; i < 30; i++) simulator.setOperationBehaviour(i, { outcome: "slow", delay_ms: 150 });
  const res = await fleet.request("POST", `${FLEET}/operations`, {
    body: { operation_type: "restart_services", server_ids: ids, parameters: { services: ["app.service"] }, max_concurrency: 2 },
  });
  expect(res.status).toBe(202);
  await eventually(async () => {
    const op = await fleet.request("GET", `${FLEET}/operations/${res.body.id}`);
    return op.body.completed_servers >= 4 ? op.body : undefined;
  });
  await fleet.close();

  fleet = await persistent();
  try {
    const afterRestart = await fleet.request("GET", `${FLEET}/operations/${res.body.id}`);
    expect(["running", "completed"]).toContain(afterRestart.body.status);
    const done = await finished(fleet, res.body.id);
    expect(done).toMatchObject({ status: "completed", completed_servers: 30, failed_servers: 0, skipped_servers: 0 });
    const targets = await allTargets(fleet, res.body.id);
    expect(targets.every((t) => t.status === "succeeded")).toBe(true);
    // Every server ran the operation exactly once, whether its result was recorded before the shutdown or after.
    for (let i = 0; i < 30; i++) expect(simulator.received(i).executed_operations).toBe(1);
    // Servers mid-call at the shutdown record their own result within the close grace (Run on server records
    // what it ran); one cut off by the shutdown is asked again after the restart with the same key, never a third time.
    for (const target of targets) expect(target.attempts).toBeLessThanOrEqual(2);
  } finally {
    await fleet.close();
  }
});
