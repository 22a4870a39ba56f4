// GET /alerts: open alerts with their server, rule and severity; resolved ones newest first; filters, paging,
// validation and tenancy; a decommissioned server's open alerts leave the list.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FLEET } from "../support/fleet.js";
import { startProbeFleet, type ProbeFleet } from "./support.js";

describe("GET /alerts", () => {
  let f: ProbeFleet;
  let viewer: string;
  beforeAll(async () => {
    f = await startProbeFleet(3, { config: { alerts: { memoryPercent: 1, consecutivePoints: 2 }, probes: { requestTimeoutMs: 300 } } });
    viewer = await f.fleet.keyWithRole("viewer");
    await f.cycle(0, true);
    f.sim.setProfile(0, { kind: "degraded" });
    for (let i = 0; i < 4; i++) await f.cycle(60, true);
  });
  afterAll(() => f?.close());

  const list = (query: string, key?: string) => f.fleet.request("GET", `${FLEET}/alerts${query}`, { key: key ?? viewer });

  test("lists open alerts with server, rule, severity and since when, for a viewer", async () => {
    const res = await list("?state=open&limit=500");
    expect(res.status).toBe(200);
    const degraded = res.body.items.find((a: any) => a.server_id === f.ids[0] && a.rule === "health_degraded");
    expect(degraded).toMatchObject({
      id: `${f.ids[0]}:health_degraded`,
      server_name: (await f.server(0)).name,
      severity: "warning",
      state: "open",
      resolved_at: null,
      details: { health_status: "degraded" },
    });
    expect(Date.parse(degraded.raised_at)).toBeGreaterThan(0);
    // memory over a 1 % threshold on every server
    expect(res.body.items.filter((a: any) => a.rule === "memory_high").map((a: any) => a.server_id).sort()).toEqual([...f.ids].sort());
    expect(res.body.next_cursor).toBeNull();
  });

  test("filters by server and severity and pages with next_cursor", async () => {
    const mine = await list(`?server_id=${f.ids[0]}`);
    expect(new Set(mine.body.items.map((a: any) => a.server_id))).toEqual(new Set([f.ids[0]]));
    expect(mine.body.items.map((a: any) => a.rule)).toEqual(expect.arrayContaining(["health_degraded", "memory_high"]));
    const critical = await list("?severity=critical");
    expect(critical.body.items).toEqual([]);
    const all = (await list("")).body.items.map((a: any) => a.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((a: any) => a.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  test("a resolved alert moves from the open list to the resolved list, newest first", async () => {
    f.sim.setProfile(0, { kind: "healthy" });
    for (let i = 0; i < 3; i++) await f.cycle(60, true);
    const open = await list(`?server_id=${f.ids[0]}`);
    expect(open.body.items.map((a: any) => a.rule)).not.toContain("health_degraded");
    const resolved = await list("?state=resolved");
    const item = resolved.body.items.find((a: any) => a.id === `${f.ids[0]}:health_degraded`);
    expect(item).toMatchObject({ state: "resolved", server_id: f.ids[0] });
    expect(Date.parse(item.resolved_at)).toBeGreaterThanOrEqual(Date.parse(item.raised_at));
    const times = resolved.body.items.map((a: any) => a.resolved_at);
    expect(times).toEqual([...times].sort().reverse());
    const other = await list(`?state=resolved&server_id=${f.ids[1]}`);
    expect(other.body.items).toEqual([]);
  });

  test("a decommissioned server's open alerts leave the list", async () => {
    expect((await f.fleet.request("DELETE", `${FLEET}/servers/${f.ids[2]}`)).status).toBeLessThan(300);
    await f.cycle(60, true);
    const open = await list("?limit=500");
    expect(open.body.items.map((a: any) => a.server_id)).not.toContain(f.ids[2]);
  });

  test("rejects a bad state, limit or cursor with 400, and another organization sees none", async () => {
    expect((await list("?state=closed")).status).toBe(400);
    expect((await list("?limit=0")).status).toBe(400);
    const bad = await list("?cursor=bm90LWEtY3Vyc29y");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe("cursor");
    const other = await f.fleet.organization("other-alerts");
    const res = await list("", other.adminKey);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  test("is documented in the OpenAPI document as listAlerts", async () => {
    const doc = await f.fleet.request("GET", "/api/v1/openapi.json");
    expect(doc.body.paths["/api/v1/fleet/alerts"].get.operationId).toBe("listAlerts");
  });
});
