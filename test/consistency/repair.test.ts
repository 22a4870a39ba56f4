// `npm run check` as an operator runs it on a stopped local Fleetplane: every broken invariant is found,
// `--repair` fixes each, a second check finds nothing, and the API agrees with itself again.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";
import { checkConsistency, keys, type ProblemKind } from "@fleetplane/core";
import { FLEET, serverBody, startTestFleet } from "../support/fleet.js";

const run = promisify(execFile);
const CHECK = fileURLToPath(new URL("../../packages/local/src/check.ts", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "fleetplane-check-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Report {
  servers: number;
  problems: Array<{ kind: ProblemKind; fixed?: boolean; key: { pk: string; sk: string } }>;
}

async function check(...args: string[]): Promise<{ code: number; report: Report }> {
  // What `npm run check -- ...` runs, without npm's own start-up.
  const out = await run(process.execPath, ["--import", "tsx", CHECK, "--data-dir", dataDir, "--json", ...args]).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (error: { code: number; stdout: string; stderr: string }) => {
      if (error.code !== 1) throw new Error(`check failed (${error.code}): ${error.stderr}`);
      return { code: 1, stdout: error.stdout };
    },
  );
  return { code: out.code, report: JSON.parse(out.stdout) as Report };
}

test("the check finds each broken invariant, --repair fixes them all, and the summary matches the list again", async () => {
  let fleet = await startTestFleet({ inMemory: false, dataDir });
  const register = async (overrides: Record<string, unknown>) => {
    const res = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody(overrides) });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string; organization_id: string };
  };
  const kept = await register({ name: "kept", tags: ["web", "edge"] });
  const vanished = await register({ name: "vanished", tags: ["db"], region: "eu-west-1" });
  const unguarded = await register({ name: "unguarded", tags: ["web"] });
  const group = await fleet.request("POST", `${FLEET}/groups`, { body: { name: "g", server_ids: [kept.id, vanished.id] } });
  expect(group.status).toBe(201);
  const org = kept.organization_id;
  const table = fleet.runtime.ctx.table;

  // What a crash between separate writes (or a bug) would leave: a server item gone without its guard, tag
  // entry, membership or count; a guard gone; a tag entry of a tag the server lacks; a stale entry; a count off.
  await table.delete({ Key: keys.server(org, vanished.id) });
  await table.delete({ Key: keys.serverName(org, unguarded.name) });
  // A guard as written before guards carried the filter fields that listing by name reads.
  await table.put({ Item: { ...keys.serverName(org, kept.name), entity: "server_name", server_id: kept.id } });
  await table.put({
    Item: { ...keys.serverTag(org, "ghost", kept.id), entity: "server_tag", status: "active", tags: ["ghost"], search_text: "" },
  });
  await table.update({
    Key: keys.serverTag(org, "edge", kept.id),
    UpdateExpression: "SET #s = :s",
    ExpressionAttributeNames: { "#s": "status" },
    ExpressionAttributeValues: { ":s": "maintenance" },
  });
  await table.update({
    Key: keys.summary(org),
    UpdateExpression: "ADD #n :n",
    ExpressionAttributeNames: { "#n": "n:health:unknown" },
    ExpressionAttributeValues: { ":n": 3 },
  });
  await fleet.close();

  const found = await check();
  expect(found.code).toBe(1);
  expect(found.report.servers).toBe(2);
  expect(found.report.problems.map((p) => p.kind).sort()).toEqual([
    "missing_name_guard",
    "orphan_group_member",
    "orphan_name_guard",
    "orphan_tag_entry",
    "orphan_tag_entry",
    "stale_name_guard",
    "stale_tag_entry",
    "summary_counter",
  ]);
  expect(found.report.problems.every((p) => p.fixed === undefined)).toBe(true);

  const repaired = await check("--repair");
  expect(repaired.report.problems.filter((p) => !p.fixed)).toEqual([]);
  expect(repaired.code).toBe(0);
  expect(repaired.report.problems).toHaveLength(8);
  expect(repaired.report.problems.every((p) => p.fixed)).toBe(true);

  fleet = await startTestFleet({ inMemory: false, dataDir });
  expect(await checkConsistency(fleet.runtime.ctx.table)).toMatchObject({ servers: 2, problems: [] });
  const list = (await fleet.request("GET", `${FLEET}/servers?limit=500`, { key: fleet.adminKey })).body as { items: Array<{ id: string }> };
  const summary = (await fleet.request("GET", `${FLEET}/summary`)).body as {
    total_servers: number;
    by_health: Record<string, number>;
    by_region: Record<string, number>;
  };
  expect(list.items.map((s) => s.id).sort()).toEqual([kept.id, unguarded.id].sort());
  const byName = (await fleet.request("GET", `${FLEET}/servers?sort=name&tag=web`)).body as { items: Array<{ id: string }> };
  expect(byName.items.map((s) => s.id)).toEqual([kept.id, unguarded.id]);
  expect(summary).toMatchObject({ total_servers: 2, by_health: { unknown: 2 } });
  expect(summary.by_region["eu-west-1"]).toBeUndefined();
  const taken = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ name: "unguarded" }) });
  expect(taken.status).toBe(409);
  const reused = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ name: "vanished" }) });
  expect(reused.status).toBe(201);
  await fleet.close();
});
