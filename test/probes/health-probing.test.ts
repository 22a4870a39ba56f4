// Health probing end to end: simulator agents, dynalite, the dispatcher and workers driven tick by tick.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FLEET } from "../support/fleet.js";
import { eventsOf, startProbeFleet, type ProbeFleet } from "./support.js";

let f: ProbeFleet;
beforeAll(async () => {
  f = await startProbeFleet(8);
  await f.cycle(0);
});
afterAll(() => f?.close());

describe("health state", () => {
  test("a first cycle turns every answering server from unknown to its agent's status", async () => {
    for (let i = 0; i < 8; i++) expect((await f.server(i)).health_status).toBe("healthy");
    const summary = await f.fleet.request("GET", `${FLEET}/summary`);
    expect(summary.body.by_health).toEqual({ healthy: 8 });
  });

  test("a server taken down is unreachable within two cycles and healthy again once it answers", async () => {
    f.sim.setProfile(0, { kind: "refused" });
    await f.cycle();
    expect((await f.server(0)).health_status).toBe("healthy"); // one failure is not enough
    await f.cycle();
    const down = await f.server(0);
    expect(down.health_status).toBe("unreachable");
    expect(down.last_health_check_at).toBe(f.clock.now().toISOString());

    f.sim.setProfile(0, { kind: "healthy" });
    await f.cycle(); // still backing off: due 60 s after the second failure
    await f.cycle();
    const up = await f.server(0);
    expect(up.health_status).toBe("healthy");
    expect(up.last_seen_at).toBe(f.clock.now().toISOString());
    const changes = eventsOf(f.events, "Server Health Changed", f.ids[0]).map((e) => [
      e.detail.data.previous_status,
      e.detail.data.health_status,
    ]);
    expect(changes).toEqual([
      ["unknown", "healthy"],
      ["healthy", "unreachable"],
      ["unreachable", "healthy"],
    ]);
  });

  test("a failing server is probed with backoff, and at the normal cadence again after its first success", async () => {
    f.sim.setProfile(1, { kind: "refused" });
    f.sim.resetStats();
    // 20 cycles of 30 s: checks at 0 and 30 (unreachable), then after 60, 120, 240 s: 5 instead of 20.
    for (let i = 0; i < 20; i++) await f.cycle();
    const health = await f.fleet.request("GET", `${FLEET}/servers/${f.ids[1]}/health`);
    expect(health.body.consecutive_failures).toBe(5);
    expect(health.body.next_check_at).not.toBeNull();
    const history = await f.fleet.request("GET", `${FLEET}/servers/${f.ids[1]}/health-history?limit=100`);
    const failures = history.body.items.filter((c: any) => c.status === "unreachable");
    expect(failures).toHaveLength(5);

    f.sim.setProfile(1, { kind: "healthy" });
    f.sim.resetStats();
    for (let i = 0; i < 10 && (await f.server(1)).health_status !== "healthy"; i++) await f.cycle();
    expect((await f.server(1)).health_status).toBe("healthy");
    f.sim.resetStats();
    for (let i = 0; i < 4; i++) await f.cycle();
    expect(f.sim.received(1).health).toBe(4);
  });

  test("a malformed or oversized answer is a failed check of that server only", async () => {
    f.sim.setProfile(2, { kind: "malformed" });
    f.sim.setProfile(3, { kind: "oversized" });
    await f.cycle();
    const [malformed, oversized] = await Promise.all(
      [2, 3].map((i) => f.fleet.request("GET", `${FLEET}/servers/${f.ids[i]}/health-history?limit=1`)),
    );
    if (!malformed || !oversized) throw new Error("unreachable");
    expect(malformed.body.items[0]).toMatchObject({ status: "unreachable", error_details: { kind: "malformed" } });
    expect(oversized.body.items[0]).toMatchObject({ status: "unreachable", error_details: { kind: "too_large" } });
    const neighbour = await f.fleet.request("GET", `${FLEET}/servers/${f.ids[4]}/health-history?limit=1`);
    expect(neighbour.body.items[0]).toMatchObject({
      status: "healthy",
      database_healthy: true,
      redis_healthy: true,
      services_healthy: true,
    });
    await f.cycle();
    expect((await f.server(2)).health_status).toBe("unreachable");
    expect((await f.server(3)).health_status).toBe("unreachable");
    f.sim.setProfile(2, { kind: "healthy" });
    f.sim.setProfile(3, { kind: "healthy" });
  });

  test("the agent's degraded and critical statuses become the server's, with their components", async () => {
    f.sim.setProfile(5, { kind: "degraded" });
    f.sim.setProfile(6, { kind: "critical" });
    await f.cycle();
    expect((await f.server(5)).health_status).toBe("degraded");
    const critical = await f.fleet.request("GET", `${FLEET}/servers/${f.ids[6]}/health`);
    expect(critical.body).toMatchObject({ health_status: "critical", latest_check: { database_healthy: false, status: "critical" } });
  });

  test("servers in maintenance are not probed", async () => {
    const patched = await f.fleet.request("PATCH", `${FLEET}/servers/${f.ids[7]}`, { body: { status: "maintenance" } });
    expect(patched.status).toBe(200);
    f.sim.resetStats();
    await f.cycle();
    await f.cycle();
    expect(f.sim.received(7).health).toBe(0);
    expect(f.sim.received(4).health).toBe(2);
  });

  test("a server back from maintenance keeps its stored health, and its next change is one exact transition", async () => {
    // Its group-state entry went while it was out of the active set: the probe believes `unknown`, the item
    // says `healthy`; the transition's condition fails and is redone from the item, writing nothing.
    expect((await f.fleet.request("PATCH", `${FLEET}/servers/${f.ids[7]}`, { body: { status: "active" } })).status).toBe(200);
    const before = eventsOf(f.events, "Server Health Changed", f.ids[7]).length;
    await f.cycle();
    expect(f.sim.received(7).health).toBe(1);
    expect((await f.server(7)).health_status).toBe("healthy");
    expect(eventsOf(f.events, "Server Health Changed", f.ids[7])).toHaveLength(before);

    f.sim.setProfile(7, { kind: "critical" });
    await f.cycle();
    expect((await f.server(7)).health_status).toBe("critical");
    const last = eventsOf(f.events, "Server Health Changed", f.ids[7]).slice(before);
    expect(last.map((e) => [e.detail.data.previous_status, e.detail.data.health_status])).toEqual([["healthy", "critical"]]);
    const summary = await f.fleet.request("GET", `${FLEET}/summary`);
    const servers = await Promise.all(f.ids.map((_, i) => f.server(i)));
    const byHealth: Record<string, number> = {};
    for (const s of servers) if (s.status !== "decommissioned") byHealth[s.health_status] = (byHealth[s.health_status] ?? 0) + 1;
    expect(summary.body.by_health).toEqual(byHealth);
  });
});
