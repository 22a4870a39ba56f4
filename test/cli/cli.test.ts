// The fleetplane CLI end to end: a local Fleetplane on 127.0.0.1, the agent simulator, real HTTP, the CLI's exit codes.
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { registrationOf, startSimulator, type Simulator } from "@fleetplane/agent/simulator";
import { FLEET, startTestFleet, type TestFleet } from "../support/fleet.js";
import { eventually } from "../operations/support.js";
import { cliFor, type CliRunner } from "./support.js";

let fleet: TestFleet;
let simulator: Simulator;
let cli: CliRunner;
/** Simulated servers as inventory rows, with names unique to this run. */
let rows: Record<string, unknown>[];

beforeAll(async () => {
  fleet = await startTestFleet();
  simulator = await startSimulator({ count: 4, seed: 21 });
  cli = cliFor({ FLEETPLANE_ENDPOINT: fleet.url, FLEETPLANE_API_KEY: fleet.adminKey });
  rows = simulator.servers.map((s) => ({ ...registrationOf(s), name: `cli-${s.index}-${process.pid}`, tags: ["cli-e2e", ...s.tags] }));
});
afterAll(async () => {
  await fleet.close();
  await simulator.close();
});

const csvOf = (list: Record<string, unknown>[]) =>
  [
    "name,hostname,api_url,api_token,region,environment,tags",
    ...list.map((r) => [r.name, r.hostname, r.api_url, r.api_token, r.region, r.environment, (r.tags as string[]).join(";")].join(",")),
  ].join("\n") + "\n";

describe("servers import", () => {
  test("importing twice creates the servers once, a changed row updates only that server, and --dry-run changes nothing", async () => {
    const yamlFile = join(cli.dir, "inventory.yaml");
    writeFileSync(yamlFile, stringify(rows.slice(0, 3)));

    const first = await cli("servers", "import", yamlFile);
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split("\n").at(-1)).toBe("created 3, updated 0, unchanged 0, failed 0");

    const again = await cli("servers", "import", yamlFile);
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split("\n").at(-1)).toBe("created 0, updated 0, unchanged 3, failed 0");

    // The same inventory as CSV, with one server moved to another region and a fourth server added.
    const changed = rows.map((r, i) => (i === 1 ? { ...r, region: "sa-east-1" } : r));
    const csvFile = join(cli.dir, "inventory.csv");
    writeFileSync(csvFile, csvOf(changed));
    const plan = await cli("servers", "import", csvFile, "--dry-run", "--json");
    expect(plan.code).toBe(0);
    expect(plan.json()).toMatchObject({ dry_run: true, created: 1, updated: 1, unchanged: 2, failed: 0 });
    expect(plan.json().rows.find((r: { name: string }) => r.name === rows[1]!.name)).toMatchObject({
      action: "update",
      changes: ["region"],
    });
    const stillOld = await cli("servers", "get", String(rows[1]!.name), "--json");
    expect(stillOld.json().region).toBe(rows[1]!.region);

    const applied = await cli("servers", "import", csvFile);
    expect(applied.code).toBe(0);
    expect(applied.stdout.trim().split("\n").at(-1)).toBe("created 1, updated 1, unchanged 2, failed 0");
    const moved = await cli("servers", "get", String(rows[1]!.name), "--json");
    expect(moved.json()).toMatchObject({ region: "sa-east-1", tags: rows[1]!.tags });
  });

  test("a row the API rejects fails alone with its field path and the import exits 1", async () => {
    const file = join(cli.dir, "bad.csv");
    const current = rows.map((r, i) => (i === 1 ? { ...r, region: "sa-east-1" } : r));
    writeFileSync(file, csvOf([...current, { ...rows[0]!, name: `cli-bad-${process.pid}`, api_url: "gopher://nowhere" }]));
    const result = await cli("servers", "import", file);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("api_url");
    expect(result.stdout.trim().split("\n").at(-1)).toBe("created 0, updated 0, unchanged 4, failed 1");
  });
});

describe("ops run --wait", () => {
  test("an operation that completes exits 0 and --json is one parseable document", async () => {
    const result = await cli(
      "ops",
      "run",
      "restart_services",
      "--tag",
      "cli-e2e",
      "--param",
      "services=app.service,worker.service",
      "--max-concurrency",
      "50%",
      "--wait",
      "--json",
    );
    expect(result.code).toBe(0);
    const body = result.json();
    expect(body.operation).toMatchObject({
      status: "completed",
      total_servers: 4,
      completed_servers: 4,
      parameters: { services: ["app.service", "worker.service"] },
    });
    expect(body.failed_servers).toEqual([]);
  });

  test("an operation with a failing server exits 1 and names the failed server with its error", async () => {
    simulator.setOperationBehaviour(2, { outcome: "fail", error: "disk full" });
    try {
      const result = await cli(
        "ops",
        "run",
        "restart_services",
        "--tag",
        "cli-e2e",
        "--param",
        "services=app.service",
        "--max-errors",
        "4",
        "--wait",
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/operation \S+ (partial|failed)/);
      expect(result.stdout).toContain("failed servers:");
      expect(result.stdout).toContain(String(rows[2]!.name));
      expect(result.stdout).toContain("disk full");
    } finally {
      simulator.setOperationBehaviour(2, { outcome: "succeed" });
    }
  });

  test("Ctrl-C during --wait asks whether to cancel; yes cancels the operation, which ends cancelled with exit 1", async () => {
    for (let i = 0; i < 4; i++) simulator.setOperationBehaviour(i, { outcome: "slow", delay_ms: 1_000 });
    try {
      const terminal = Object.assign(new PassThrough(), { isTTY: true });
      const running = cli.withStdin(
        terminal,
        "ops",
        "run",
        "restart_services",
        "--tag",
        "cli-e2e",
        "--param",
        "services=app.service",
        "--max-concurrency",
        "1",
        "--wait",
      );
      await eventually(async () => {
        const { items } = (await fleet.request("GET", `${FLEET}/operations?status=running`)).body;
        return items.length ? items : undefined;
      });
      process.emit("SIGINT");
      terminal.write("y\n");
      const result = await running;
      expect(result.stderr).toContain("Cancel operation");
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/operation \S+ cancelled/);
    } finally {
      for (let i = 0; i < 4; i++) simulator.setOperationBehaviour(i, { outcome: "succeed" });
    }
  });

  test("--dry-run lists the targets of a group and starts nothing", async () => {
    const group = await cli(
      "groups",
      "create",
      `cli-group-${process.pid}`,
      "--server",
      String(rows[0]!.name),
      "--server",
      String(rows[3]!.name),
      "--quiet",
    );
    expect(group.code).toBe(0);
    const before = (await fleet.request("GET", `${FLEET}/operations`)).body.items.length;
    const result = await cli(
      "ops",
      "run",
      "deploy_update",
      "--group",
      `cli-group-${process.pid}`,
      "--param",
      "version=2.4.1",
      "--dry-run",
      "--json",
    );
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ dry_run: true, total_servers: 2, parameters: { version: "2.4.1" } });
    expect((await fleet.request("GET", `${FLEET}/operations`)).body.items.length).toBe(before);
  });
});

describe("registry, groups, checks and operation reads", () => {
  test("register, update, group add/remove, check, ops list/get/servers and decommission work by name", async () => {
    const sim = simulator.servers[0]!;
    const name = `cli-single-${process.pid}`;
    const registered = await cli(
      "servers",
      "register",
      "--name",
      name,
      "--hostname",
      sim.hostname,
      "--api-url",
      sim.api_url,
      "--api-token",
      sim.token,
      "--tag",
      "solo",
      "--quiet",
    );
    expect(registered.code).toBe(0);
    const id = registered.stdout.trim();
    expect((await cli("servers", "update", name, "--status", "maintenance", "--region", "eu-north-1")).code).toBe(0);
    expect((await cli("servers", "get", id, "--json")).json()).toMatchObject({ name, status: "maintenance", region: "eu-north-1" });

    const group = `cli-solo-${process.pid}`;
    expect((await cli("groups", "create", group)).code).toBe(0);
    expect((await cli("groups", "add", group, name)).code).toBe(0);
    const listed = (await cli("groups", "list", "--json")).json().items.find((g: { name: string }) => g.name === group);
    expect(listed.server_ids).toEqual([id]);
    expect((await cli("groups", "remove", group, name)).code).toBe(0);
    expect((await cli("groups", "list", "--json")).json().items.find((g: { name: string }) => g.name === group).server_ids).toEqual([]);

    const checked = await cli("check", name, "--json");
    expect(checked.code).toBe(0);
    expect(checked.json()).toMatchObject({ server_id: id, health_status: "healthy" });

    const operations = (await cli("ops", "list", "--all", "--json")).json().items;
    expect(operations.length).toBeGreaterThanOrEqual(3);
    const last = operations[0];
    expect((await cli("ops", "get", last.id, "--json")).json()).toMatchObject({ id: last.id, status: last.status });
    const targets = (await cli("ops", "servers", last.id, "--all", "--json")).json().items;
    expect(targets).toHaveLength(last.total_servers);
    const cancelFinished = await cli("ops", "cancel", last.id);
    expect(cancelFinished.code).toBe(3);

    const people = await cli("ops", "list");
    expect(people.stdout.split("\n")[0]).toMatch(/^ID +TYPE +STATUS +PROGRESS/);
    expect((await cli("servers", "decommission", name)).code).toBe(0);
    expect((await cli("servers", "get", name, "--json")).json().status).toBe("decommissioned");
  });
});

describe("exit codes and errors", () => {
  test("--help lists every command and the exit codes; a command's --help shows its options and examples", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    for (const command of ["servers import", "ops run", "events tail", "keys revoke", "check"]) expect(help.stdout).toContain(command);
    expect(help.stdout).toMatch(/0 +success[\s\S]*1 +the work failed[\s\S]*2 +usage error[\s\S]*3 +API or network error/);
    const run = await cli("ops", "run", "--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--max-concurrency N|P%");
    expect(run.stdout).toContain("Examples:");
  });

  test("usage errors exit 2: an unknown option, a parameter the operation type does not take, a missing argument", async () => {
    const unknownOption = await cli("servers", "list", "--colour", "red");
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("--colour");
    const badParam = await cli("ops", "run", "restart_services", "--tag", "cli-e2e", "--param", "service=nginx");
    expect(badParam.code).toBe(2);
    expect(badParam.stderr).toContain("its parameters: services");
    expect((await cli("servers", "get")).code).toBe(2);
    const noTargets = await cli("ops", "run", "restart_services", "--param", "services=nginx");
    expect(noTargets.code).toBe(2);
    expect(noTargets.stderr).toContain("choose the target servers");
    expect((await cli("nonsense")).code).toBe(2);
  });

  test("API errors exit 3 with the API's message on stderr; an unreachable endpoint too", async () => {
    const missing = await cli("servers", "get", "no-such-server");
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("no server named no-such-server");
    const invalid = await cli(
      "servers",
      "register",
      "--name",
      "x y",
      "--hostname",
      "h",
      "--api-url",
      "https://h.example.com",
      "--api-token",
      "t",
    );
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toMatch(/name: /);
    const viewer = await fleet.keyWithRole("viewer");
    const forbidden = await cli("keys", "create", "nope", "--role", "admin", "--key", viewer);
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toContain("403");
    const unreachable = await cli("summary", "--endpoint", "http://127.0.0.1:9");
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain("could not reach");
  });

  test("events tail follows the feed when the API has one, and says it is unavailable (exit 3) when it answers 404", async () => {
    const feed = await fleet.request("GET", `${FLEET}/events`);
    const result = await cli("events", "tail", "--no-follow", "--json");
    if (feed.status === 404) {
      expect(result.code).toBe(3);
      expect(result.stderr).toContain("event feed is unavailable");
    } else {
      expect(result.code).toBe(0);
      for (const line of result.stdout.trim().split("\n").filter(Boolean)) expect(JSON.parse(line)).toHaveProperty("detail-type");
    }
  });
});

describe("connection profiles and keys", () => {
  test("login checks the key and saves a 0600 profile that later commands use without any environment", async () => {
    const bare = cliFor({});
    const saved = await bare("login", "--profile", "ci", "--endpoint", fleet.url, "--key", fleet.adminKey, "--json");
    expect(saved.code).toBe(0);
    const file = saved.json().file as string;
    expect(file.startsWith(bare.configHome)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const summary = await bare("summary", "--profile", "ci", "--json");
    expect(summary.code).toBe(0);
    expect(summary.json().total_servers).toBeGreaterThanOrEqual(4);
    // The first saved profile is the default one.
    expect((await bare("servers", "list", "--tag", "cli-e2e", "--all", "--json")).json().items).toHaveLength(4);
    expect((await bare("summary", "--profile", "missing")).code).toBe(2);
    expect((await bare("login", "--profile", "bad", "--endpoint", fleet.url, "--key", "wrong-key")).code).toBe(3);
  });

  test("keys create prints the key once with --quiet, keys list shows it without the key, keys revoke ends it", async () => {
    const created = await cli("keys", "create", "cli-viewer", "--role", "viewer", "--quiet");
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect((await cli("summary", "--key", key, "--json")).code).toBe(0);
    const listed = (await cli("keys", "list", "--json")).json().items.find((k: { name: string }) => k.name === "cli-viewer");
    expect(listed).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(key);
    expect((await cli("keys", "revoke", listed.id)).code).toBe(0);
    expect((await cli("summary", "--key", key)).code).toBe(3);
  });
});
