// Operation targeting, roles, validation and listing, through the API against the fleet simulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLEET, startTestFleet, type TestFleet } from "../support/fleet.js";
import { allTargets, finished, simulatedFleet, type RegisteredFleet } from "./support.js";

const SERVERS_IN_FLIGHT = 8;
let fleet: TestFleet;
let sim: RegisteredFleet;

beforeAll(async () => {
  // A deployment cap below the fleet's size, as the AWS stacks set one (FLEETPLANE_OPERATION_MAX_SERVERS_IN_FLIGHT).
  fleet = await startTestFleet({
    probeSchedule: false,
    config: { operations: { maxTargets: 10_000, maxServersInFlight: SERVERS_IN_FLIGHT, retentionSeconds: 365 * 24 * 3600 } },
  });
  sim = await simulatedFleet(fleet, 40, 11);
}, 180_000);
afterAll(async () => {
  await fleet?.close();
  await sim?.simulator.close();
});

const start = (body: Record<string, unknown>, key?: string) => fleet.request("POST", `${FLEET}/operations`, { body, key });
const idOf = (index: number) => sim.ids[index]!;

describe("targeting", () => {
  it("runs on a group's members narrowed by filter criteria, and on nothing else", async () => {
    const members = Array.from({ length: 12 }, (_, i) => i);
    const group = await fleet.request("POST", `${FLEET}/groups`, { body: { name: "canaries", server_ids: members.map(idOf) } });
    expect(group.status).toBe(201);
    const production = members.filter((i) => sim.simulator.servers[i]!.environment === "production");
    expect(production.length).toBeGreaterThan(0);
    expect(production.length).toBeLessThan(members.length);

    const preview = await start({
      operation_type: "restart_services",
      group_ids: [group.body.id],
      filter_criteria: { environments: ["production"] },
      parameters: { services: ["app.service"] },
      dry_run: true,
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dry_run: true, total_servers: production.length });
    expect(new Set(preview.body.servers.map((s: { id: string }) => s.id))).toEqual(new Set(production.map(idOf)));

    sim.simulator.resetStats();
    const res = await start({
      operation_type: "restart_services",
      group_ids: [group.body.id],
      filter_criteria: { environments: ["production"] },
      parameters: { services: ["app.service"] },
    });
    expect(res.status).toBe(202);
    expect(res.body.targets).toMatchObject({ group_ids: [group.body.id], filter_criteria: { environments: ["production"] } });
    const done = await finished(fleet, res.body.id);
    expect(done).toMatchObject({ status: "completed", total_servers: production.length });
    const ran = sim.simulator.servers.filter((s) => sim.simulator.received(s.index).operations.length > 0).map((s) => s.index);
    expect(ran.sort((a, b) => a - b)).toEqual(production);
  });

  it("selects from the whole fleet by filter criteria alone (every tag must match)", async () => {
    const wanted = sim.simulator.servers.filter((s) => s.tags.includes("web") && s.region !== "eu-west-1").map((s) => idOf(s.index));
    const regions = ["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2"];
    const preview = await start({ operation_type: "run_health_check", filter_criteria: { tags: ["web"], regions }, dry_run: true });
    expect(new Set(preview.body.servers.map((s: { id: string }) => s.id))).toEqual(new Set(wanted));
  });

  it("leaves out servers that are not active unless they are named", async () => {
    const inactive = idOf(39);
    expect((await fleet.request("PATCH", `${FLEET}/servers/${inactive}`, { body: { status: "maintenance" } })).status).toBe(200);
    const byFilter = await start({ operation_type: "run_health_check", filter_criteria: {}, dry_run: true });
    expect(byFilter.body.servers.map((s: { id: string }) => s.id)).not.toContain(inactive);
    const named = await start({ operation_type: "run_health_check", server_ids: [inactive], dry_run: true });
    expect(named.body.servers.map((s: { id: string }) => s.id)).toEqual([inactive]);
  });

  it("resolves percentages of the targets in a dry run and starts nothing", async () => {
    const before = await fleet.request("GET", `${FLEET}/operations?limit=200`);
    const preview = await start({
      operation_type: "deploy_update",
      server_ids: sim.ids.slice(0, 25),
      parameters: { version: "1.2.3" },
      max_concurrency: "10%",
      max_errors: "10%",
      dry_run: true,
    });
    expect(preview.body).toMatchObject({ total_servers: 25, effective_max_concurrency: 3, effective_max_errors: 2 });
    const after = await fleet.request("GET", `${FLEET}/operations?limit=200`);
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it("lowers a max_concurrency above the deployment's servers-in-flight cap to the cap", async () => {
    const preview = await start({ operation_type: "run_health_check", server_ids: sim.ids.slice(0, 30), max_concurrency: 25, dry_run: true });
    expect(preview.body).toMatchObject({ total_servers: 30, effective_max_concurrency: SERVERS_IN_FLIGHT });
    const half = await start({ operation_type: "run_health_check", server_ids: sim.ids.slice(0, 30), max_concurrency: "50%", dry_run: true });
    expect(half.body.effective_max_concurrency).toBe(SERVERS_IN_FLIGHT);
  });
});

describe("roles", () => {
  it("lets a viewer read operations but not start or cancel one (403)", async () => {
    const viewer = await fleet.keyWithRole("viewer");
    const operator = await fleet.keyWithRole("operator");
    const denied = await start({ operation_type: "run_health_check", server_ids: [idOf(0)] }, viewer);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("forbidden");

    const res = await start({ operation_type: "run_health_check", server_ids: [idOf(0)] }, operator);
    expect(res.status).toBe(202);
    expect(res.body.initiated_by).toBeTruthy();
    expect((await fleet.request("GET", `${FLEET}/operations/${res.body.id}`, { key: viewer })).status).toBe(200);
    expect((await fleet.request("GET", `${FLEET}/operations/${res.body.id}/servers`, { key: viewer })).status).toBe(200);
    expect((await fleet.request("POST", `${FLEET}/operations/${res.body.id}/cancel`, { key: viewer })).status).toBe(403);
    await finished(fleet, res.body.id);
  });

  it("keeps operations inside their organization", async () => {
    const res = await start({ operation_type: "run_health_check", server_ids: [idOf(1)] });
    const other = await fleet.organization();
    expect((await fleet.request("GET", `${FLEET}/operations/${res.body.id}`, { key: other.adminKey })).status).toBe(404);
    expect((await fleet.request("GET", `${FLEET}/operations`, { key: other.adminKey })).body.items).toEqual([]);
    const foreign = await start({ operation_type: "run_health_check", server_ids: [idOf(1)] }, other.adminKey);
    expect(foreign.status).toBe(400);
    await finished(fleet, res.body.id);
  });
});

describe("validation", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["an unknown operation type", { operation_type: "reboot", server_ids: ["x"] }, "operation_type"],
    ["missing parameters of the type", { operation_type: "restart_services", server_ids: [] as string[] }, "parameters.services"],
    ["parameters the type does not take", { operation_type: "collect_diagnostics", parameters: { verbose: true } }, "parameters"],
    ["a bad version", { operation_type: "deploy_update", parameters: { version: "1.0; rm -rf /" } }, "parameters.version"],
    ["a percentage above 100", { operation_type: "run_health_check", max_concurrency: "150%" }, "max_concurrency"],
    ["a concurrency of 0", { operation_type: "run_health_check", max_concurrency: 0 }, "max_concurrency"],
    ["negative max_errors", { operation_type: "run_health_check", max_errors: -1 }, "max_errors"],
    ["a timeout above 600 s", { operation_type: "run_health_check", timeout_seconds: 3600 }, "timeout_seconds"],
    ["an unknown field", { operation_type: "run_health_check", targets: "all" }, "(body)"],
    ["no targets at all", { operation_type: "run_health_check", server_ids: undefined }, "server_ids"],
    ["an unknown server", { operation_type: "run_health_check", server_ids: ["01a2b3c4-0000-7000-8000-000000000000"] }, "server_ids.0"],
    ["an unknown group", { operation_type: "run_health_check", group_ids: ["01a2b3c4-0000-7000-8000-000000000000"] }, "group_ids.0"],
    ["targets matching nothing", { operation_type: "run_health_check", filter_criteria: { tags: ["no-such-tag"] } }, "filter_criteria"],
  ];
  for (const [what, body, path] of cases) {
    it(`answers 400 naming the field for ${what}`, async () => {
      const res = await start({ server_ids: [idOf(2)], ...body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details.map((d: { path: string }) => d.path).join(" ")).toContain(path);
    });
  }

  it("answers 400 for a body that is not JSON and 404 for an unknown operation", async () => {
    const bad = await fleet.request("POST", `${FLEET}/operations`, { rawBody: "{nope" });
    expect(bad.status).toBe(400);
    expect((await fleet.request("GET", `${FLEET}/operations/01a2b3c4-0000-7000-8000-000000000000`)).status).toBe(404);
    expect((await fleet.request("POST", `${FLEET}/operations/not-an-id/cancel`)).status).toBe(404);
  });
});

describe("listing", () => {
  it("lists newest first, filters by status and pages with a cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await start({ operation_type: "run_health_check", server_ids: [idOf(10 + i)] });
      ids.push(res.body.id);
      await finished(fleet, res.body.id);
    }
    const firstPage = await fleet.request("GET", `${FLEET}/operations?limit=2`);
    expect(firstPage.body.items.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    expect(firstPage.body.next_cursor).toBeTruthy();
    const secondPage = await fleet.request("GET", `${FLEET}/operations?limit=2&cursor=${firstPage.body.next_cursor}`);
    expect(secondPage.body.items[0].id).toBe(ids[0]);

    const completed = await fleet.request("GET", `${FLEET}/operations?status=completed&limit=200`);
    expect(completed.body.items.length).toBeGreaterThanOrEqual(3);
    expect(completed.body.items.every((o: { status: string }) => o.status === "completed")).toBe(true);
    expect((await fleet.request("GET", `${FLEET}/operations?status=running`)).body.items).toEqual([]);
    expect((await fleet.request("GET", `${FLEET}/operations?status=bogus`)).status).toBe(400);
    expect((await fleet.request("GET", `${FLEET}/operations?cursor=garbage`)).status).toBe(400);
  });

  it("pages per-server progress and filters it by status", async () => {
    sim.simulator.setOperationBehaviour(21, { outcome: "fail" });
    const res = await start({
      operation_type: "restart_services",
      server_ids: sim.ids.slice(20, 30),
      parameters: { services: ["x.service"] },
      max_errors: 5,
    });
    await finished(fleet, res.body.id);
    const page = await fleet.request("GET", `${FLEET}/operations/${res.body.id}/servers?limit=4`);
    expect(page.body.items).toHaveLength(4);
    expect(page.body.next_cursor).toBeTruthy();
    expect(await allTargets(fleet, res.body.id)).toHaveLength(10);
    const failed = await allTargets(fleet, res.body.id, "status=failed");
    expect(failed.map((t) => t.server_id)).toEqual([idOf(21)]);
    expect(failed[0]).toMatchObject({ status: "failed", attempts: 1 });
    sim.simulator.setOperationBehaviour(21, { outcome: "succeed" });
  });
});
