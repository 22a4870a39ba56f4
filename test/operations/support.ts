// Operation tests' harness: a simulated fleet registered through the API, and bounded waits on API state.
import { registrationOf, startSimulator, type Simulator } from "@fleetplane/agent/simulator";
import { FLEET, type TestFleet } from "../support/fleet.js";

export interface RegisteredFleet {
  simulator: Simulator;
  /** Server ids by simulator index. */
  ids: string[];
}

/** Registers every simulated server (in index order, so ids follow indexes) with the agent URL and token the simulator expects. */
export async function registerSimulatedFleet(
  fleet: TestFleet,
  simulator: Simulator,
  extra: (index: number) => Record<string, unknown> = () => ({}),
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < simulator.servers.length; start += 25) {
    const batch = simulator.servers.slice(start, start + 25);
    const created = await Promise.all(
      batch.map((s) =>
        fleet.request("POST", `${FLEET}/servers`, {
          body: {
            ...registrationOf(s),
            name: `${s.name}-${s.index}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
            ...extra(s.index),
          },
        }),
      ),
    );
    for (const res of created) {
      if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
      ids.push(res.body.id);
    }
  }
  return ids;
}

export async function simulatedFleet(fleet: TestFleet, count: number, seed = 7): Promise<RegisteredFleet> {
  const simulator = await startSimulator({ count, seed });
  return { simulator, ids: await registerSimulatedFleet(fleet, simulator) };
}

/** Polls until `check` returns a value that is not undefined, or fails after `timeoutMs` with the last value seen. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 100)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

const FINISHED = new Set(["completed", "partial", "failed", "cancelled"]);

/** Waits (bounded) for the operation to reach a final status and returns it. */
export async function finished(fleet: TestFleet, id: string, timeoutMs = 60_000, key?: string): Promise<any> {
  return eventually(
    async () => {
      const res = await fleet.request("GET", `${FLEET}/operations/${id}`, { key });
      return FINISHED.has(res.body.status) ? res.body : undefined;
    },
    timeoutMs,
    `operation ${id} to finish`,
  );
}

/** Every per-server progress record of an operation, following next_cursor. */
export async function allTargets(fleet: TestFleet, id: string, query = ""): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const qs: string = [query, "limit=100", cursor ? `cursor=${cursor}` : ""].filter(Boolean).join("&");
    const res: { status: number; body: { items: any[]; next_cursor: string | null } } = await fleet.request(
      "GET",
      `${FLEET}/operations/${id}/servers?${qs}`,
    );
    if (res.status !== 200) throw new Error(`targets: ${res.status} ${JSON.stringify(res.body)}`);
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
  } while (cursor);
  return items;
}
