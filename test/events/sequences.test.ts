// Per-entity sequences under concurrent changes: every event about a server, an operation or an alert carries a
// sequence that is unique for its entity and grows with each change, so consumers can order and de-duplicate by it.
import { afterAll, describe, expect, test } from "vitest";
import { fleetEvent, type FleetEvent } from "../../packages/core/src/events/fleet-event.js";
import { eventSubject } from "../../packages/core/src/events/event-subjects.js";
import { countUpdate } from "../../packages/core/src/operations/operation-item.js";
import { loadGroupState, saveGroupState } from "../../packages/core/src/probes/probe-state.js";
import { keys } from "../../packages/core/src/store/keys.js";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";
import { eventually, finished, simulatedFleet } from "../operations/support.js";
import { ManualClock, alignedStart, startProbeFleet } from "../probes/support.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of cleanup.reverse()) await close();
});

/** Every event the fleet's bus publishes from now on. */
function recorder(fleet: TestFleet): FleetEvent[] {
  const events: FleetEvent[] = [];
  fleet.runtime.bus.subscribe({}, (event) => {
    events.push(event);
  });
  return events;
}

const sequenceOf = (event: FleetEvent) => eventSubject(event.detail_type, event.detail.data)!.sequence;
const about = (events: FleetEvent[], entity: string, id: string) =>
  events.filter((e) => {
    const subject = eventSubject(e.detail_type, e.detail.data);
    return subject?.entity === entity && subject.id === id;
  });
/** One event per event id (the relay may deliver one twice), ordered by sequence. */
const bySequence = (events: FleetEvent[]) =>
  [...new Map(events.map((e) => [e.detail.event_id, e])).values()].sort((a, b) => sequenceOf(a) - sequenceOf(b));

describe("a server's sequence", () => {
  test("20 concurrent PATCHes each get their own higher sequence, and the highest carries the server as it ends", async () => {
    const fleet = await startTestFleet();
    cleanup.push(() => fleet.close());
    const events = recorder(fleet);
    const id = (await fleet.request("POST", `${FLEET}/servers`, { body: serverBody() })).body.id;
    const patches = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fleet.request("PATCH", `${FLEET}/servers/${id}`, { body: { description: `patch ${i}` } })),
    );
    expect(patches.map((p) => p.status)).toEqual(Array(20).fill(200));
    await fleet.runtime.flushEvents();

    const mine = bySequence(about(events, "server", id));
    expect(mine.map((e) => e.detail_type)).toEqual(["Server Registered", ...Array(20).fill("Server Updated")]);
    const sequences = mine.map(sequenceOf);
    expect(new Set(sequences).size).toBe(21);
    expect(sequences[0]).toBe(1);
    // Events carry the stored server record; the API adds the latest check and metrics readings to it.
    const { last_check_at, cpu_percent, memory_percent, ...final } = (await fleet.request("GET", `${FLEET}/servers/${id}`)).body;
    expect({ last_check_at, cpu_percent, memory_percent }).toEqual({ last_check_at: null, cpu_percent: null, memory_percent: null });
    expect(mine.at(-1)!.detail.data.server).toEqual(final);
    // Each update's record is the one before it plus its own description: the sequence is the order they were applied in.
    expect(new Set(mine.slice(1).map((e) => (e.detail.data.server as { description: string }).description)).size).toBe(20);
  });

  test("health transitions racing registry updates share the server's sequence, which orders them as they were applied", async () => {
    const f = await startProbeFleet(2);
    cleanup.push(() => f.close());
    await f.cycle(0);
    const kinds = ["degraded", "healthy", "critical", "healthy", "degraded", "critical"] as const;
    for (const [round, kind] of kinds.entries()) {
      f.sim.setProfile(0, { kind });
      const patches = Array.from({ length: 4 }, (_, k) =>
        f.fleet.request("PATCH", `${FLEET}/servers/${f.ids[0]}`, { body: { description: `round ${round} patch ${k}` } }),
      );
      await Promise.all([f.cycle(), ...patches]);
    }
    await f.fleet.runtime.flushEvents();

    const mine = bySequence(about(f.events, "server", f.ids[0]!));
    expect(new Set(mine.map(sequenceOf)).size).toBe(mine.length);
    expect(mine[0]!.detail_type).toBe("Server Registered");
    expect(mine.filter((e) => e.detail_type === "Server Updated")).toHaveLength(24);
    // In sequence order the health changes form one chain: each starts from the status the one before ended in.
    const health = mine.filter((e) => e.detail_type === "Server Health Changed").map((e) => e.detail.data);
    expect(health.length).toBeGreaterThanOrEqual(kinds.length);
    expect(health[0]!.previous_status).toBe("unknown");
    for (let i = 1; i < health.length; i++) expect(health[i]!.previous_status).toBe(health[i - 1]!.health_status);
    // And the server as it ends is what the last events say: its last record, with the last health.
    const final = await f.server(0);
    expect(final.health_status).toBe(health.at(-1)!.health_status);
    const lastRecord = mine.filter((e) => e.detail_type === "Server Updated").at(-1)!.detail.data.server as { description: string };
    expect(final.description).toBe(lastRecord.description);
  });
});

describe("an operation's progress sequence", () => {
  test("over 48 servers, 24 at once, all results in one millisecond: Started is 1, each result unique and higher, Finished highest", async () => {
    // A clock that never moves: every result asks for the same number in its shard and must go above the last.
    const clock = new ManualClock(alignedStart());
    const fleet = await startTestFleet({ clock });
    cleanup.push(() => fleet.close());
    const { simulator, ids } = await simulatedFleet(fleet, 48);
    cleanup.push(() => simulator.close());
    const events = recorder(fleet);
    const res = await fleet.request("POST", `${FLEET}/operations`, {
      body: { operation_type: "restart_services", server_ids: ids, parameters: { services: ["a.service"] }, max_concurrency: 24 },
    });
    expect(res.status).toBe(202);
    expect((await finished(fleet, res.body.id, 120_000)).status).toBe("completed");
    const mine = await eventually(async () => {
      await fleet.runtime.flushEvents();
      const found = bySequence(about(events, "operation", res.body.id));
      return found.length >= 50 ? found : undefined;
    });

    expect(mine).toHaveLength(50);
    expect(mine[0]!.detail_type).toBe("Bulk Operation Started");
    expect(sequenceOf(mine[0]!)).toBe(1);
    expect(mine.at(-1)!.detail_type).toBe("Bulk Operation Finished");
    const results = mine.slice(1, -1);
    expect(results.every((e) => e.detail_type === "Server Operation Finished")).toBe(true);
    expect(new Set(results.map((e) => e.detail.data.server_id)).size).toBe(48);
    expect(new Set(mine.map(sequenceOf)).size).toBe(50);
    // Results in one shard (sequence mod 16) were numbered one above another, not all alike.
    const perShard = new Map<number, number>();
    for (const e of results) perShard.set(sequenceOf(e) % 16, (perShard.get(sequenceOf(e) % 16) ?? 0) + 1);
    expect([...perShard.values()]).toEqual(Array(16).fill(3));
  });
});

describe("an alert's sequence", () => {
  test("a group's alert events are numbered upwards: in order within a save, after a conflicting save, and with the clock behind", async () => {
    const clock = new ManualClock(alignedStart());
    const fleet = await startTestFleet({ clock });
    cleanup.push(() => fleet.close());
    const events = recorder(fleet);
    const { ctx } = fleet.runtime;
    const group = 7;
    const alert = (type: "Fleet Alert Raised" | "Fleet Alert Resolved") =>
      fleetEvent(
        type,
        "default",
        {
          alert: {
            id: "srv-a:cpu_high",
            rule: "cpu_high",
            severity: "warning",
            server_id: "srv-a",
            server_name: "a",
            raised_at: clock.now().toISOString(),
            ...(type === "Fleet Alert Resolved" ? { resolved_at: clock.now().toISOString() } : {}),
          },
          sequence: 0,
        },
        clock.now(),
      );

    // Raised and resolved in one save (a backfill of samples can do that): numbered in that order.
    const read = await loadGroupState(ctx, "default", group);
    await saveGroupState(ctx, "default", group, read, {
      servers: { a: { hs: "healthy" } },
      events: [alert("Fleet Alert Raised"), alert("Fleet Alert Resolved")],
    });
    // A save from the same (now stale) read conflicts, is re-applied to a fresh read, and numbered above the first.
    await saveGroupState(ctx, "default", group, read, { servers: { a: { hs: "healthy" } }, events: [alert("Fleet Alert Raised")] });
    // With the clock an hour behind, the next save still numbers above everything before.
    clock.advance(-3600);
    await saveGroupState(ctx, "default", group, await loadGroupState(ctx, "default", group), {
      servers: { a: { hs: "healthy", f: 1 } },
      events: [alert("Fleet Alert Resolved")],
    });
    await fleet.runtime.flushEvents();

    const mine = about(events, "alert", "srv-a:cpu_high");
    const written = [...new Map(mine.map((e) => [e.detail.event_id, e])).values()].sort((a, b) =>
      a.detail.event_id < b.detail.event_id ? -1 : 1,
    );
    expect(written.map((e) => e.detail_type)).toEqual([
      "Fleet Alert Raised",
      "Fleet Alert Resolved",
      "Fleet Alert Raised",
      "Fleet Alert Resolved",
    ]);
    const sequences = written.map(sequenceOf);
    for (let i = 1; i < sequences.length; i++) expect(sequences[i]!).toBeGreaterThan(sequences[i - 1]!);
  });
});

describe("what the numbers cost", () => {
  test("they ride on writes already made: a shard's count and a transition's revision bill the same write units with them as without", async () => {
    const fleet = await startTestFleet();
    cleanup.push(() => fleet.close());
    const { ctx } = fleet.runtime;
    const writeUnits = async (write: () => Promise<unknown>) => {
      const before = ctx.table.meter.snapshot().writeUnits;
      await write();
      return ctx.table.meter.snapshot().writeUnits - before;
    };
    const now = new Date();
    const count = (operationId: string, sequence?: number) =>
      writeUnits(() =>
        ctx.table.transact([{ Update: countUpdate("default", operationId, 5, "completed_servers", now, 86_400, sequence) }]),
      );
    const plain = await count("01a00000-0000-7000-8000-000000000001");
    const numbered = await count("01a00000-0000-7000-8000-000000000002", now.getTime() * 16 + 5);
    expect(numbered).toBe(plain);
    expect(numbered).toBe(2); // one small item, billed twice in a transaction

    const id = (await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ tags: ["a", "b"], metadata: { rack: "r1" } }) })).body
      .id;
    const key = keys.server("default", id);
    const added = await writeUnits(() =>
      ctx.table.update({ Key: key, UpdateExpression: "ADD revision :one", ExpressionAttributeValues: { ":one": 1 } }),
    );
    const set = await writeUnits(() =>
      ctx.table.update({
        Key: key,
        UpdateExpression: "SET revision = :revision",
        ConditionExpression: "revision < :revision",
        ExpressionAttributeValues: { ":revision": Date.now() },
      }),
    );
    expect(set).toBe(added);
  });
});
