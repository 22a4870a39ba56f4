// Listing by name (sort=name, -name): the documented collation, every filter, cursors across pages, and the
// name guards following renames and updates.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { registerServer, type FleetContext } from "@fleetplane/core";
import { FLEET, listAllServers, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
const regions = ["us-east-1", "eu-west-1"];
const environments = ["production", "staging", null];

interface Model {
  name: string;
  region: string;
  environment: string | null;
  tags: string[];
  hostname: string;
  status: "active" | "maintenance";
}
const fleetModel: Model[] = [];

/** Names in mixed case, with every character a name may hold, registered in an order unrelated to their names. */
function nameOf(i: number): string {
  const stems = ["web", "Web_", "DB", "db.", "cache", "Cache-", "api", "API", "x", "_edge", "-lb", "9lives", "Zeta", "alpha"];
  const stem = stems[i % stems.length]!;
  const suffix = (i * 7919) % 1000;
  return i % 3 === 0 ? `${stem}${suffix}` : `${stem}-${suffix}`.toUpperCase();
}

/** The documented collation: lower-cased, then by code point (names are ASCII: '-' < '.' < digits < '_' < letters). */
const collate = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

beforeAll(async () => {
  fleet = await startTestFleet();
  const ctx: FleetContext = fleet.runtime.ctx;
  const order = Array.from({ length: 140 }, (_, i) => (i * 37) % 140);
  for (let start = 0; start < order.length; start += 20) {
    await Promise.all(
      order.slice(start, start + 20).map((i) => {
        const model: Model = {
          name: nameOf(i),
          region: regions[i % 2]!,
          environment: environments[i % 3]!,
          tags: i % 4 === 0 ? ["db", "critical"] : ["web"],
          hostname: i % 10 === 3 ? `Special-${i}.Example.com` : `host-${i}.example.com`,
          status: i % 5 === 4 ? "maintenance" : "active",
        };
        fleetModel.push(model);
        return registerServer(ctx, "default", {
          ...model,
          api_url: `https://host-${i}.example.com`,
          api_token: "t",
          environment: model.environment ?? undefined,
        });
      }),
    );
  }
}, 120_000);
afterAll(() => fleet.close());

const walk = (query: string, limit: number) => listAllServers(fleet, query, limit);

const expectedNames = (keep: (m: Model) => boolean) =>
  fleetModel
    .filter(keep)
    .map((m) => m.name)
    .sort(collate);

describe("sort=name", () => {
  test("lists the whole fleet case-insensitively by name ('-' < '.' < digits < '_' < letters), each server once across pages", async () => {
    const names = (await walk("&sort=name", 9)).map((s) => s.name);
    expect(names).toEqual(expectedNames(() => true));
    expect(names).toHaveLength(140);
    // Case-insensitive: a case-sensitive order (upper case before lower) would differ.
    expect(names).not.toEqual([...names].sort());
    expect(names.findIndex((n) => n.startsWith("API-"))).toBeLessThan(names.findIndex((n) => n.startsWith("cache")));
  });

  test("-name is the exact reverse, with pages of another size", async () => {
    const forward = (await walk("&sort=name", 500)).map((s) => s.id);
    const backward = (await walk("&sort=-name", 13)).map((s) => s.id);
    expect(backward).toEqual([...forward].reverse());
  });

  test.each([
    ["a region", "&region=eu-west-1", (m: Model) => m.region === "eu-west-1"],
    ["an environment", "&environment=staging", (m: Model) => m.environment === "staging"],
    ["a status", "&status=maintenance", (m: Model) => m.status === "maintenance"],
    ["a tag", "&tag=critical", (m: Model) => m.tags.includes("critical")],
    ["two tags", "&tag=critical&tag=db", (m: Model) => m.tags.includes("critical")],
    ["a search", "&q=special", (m: Model) => m.hostname.toLowerCase().includes("special")],
    [
      "all filters together",
      "&region=us-east-1&environment=production&tag=web&q=host",
      (m: Model) => m.region === "us-east-1" && m.environment === "production" && m.tags.includes("web"),
    ],
  ])("combines with %s, forwards and backwards across pages", async (_what, query, keep) => {
    const wanted = expectedNames(keep);
    expect(wanted.length).toBeGreaterThan(0);
    expect((await walk(`${query}&sort=name`, 4)).map((s) => s.name)).toEqual(wanted);
    expect((await walk(`${query}&sort=-name`, 6)).map((s) => s.name)).toEqual([...wanted].reverse());
  });

  test("combines with a health filter (read from the servers themselves)", async () => {
    expect((await walk("&sort=name&health_status=unknown", 25)).map((s) => s.name)).toEqual(expectedNames(() => true));
    expect(await walk("&sort=-name&health_status=healthy", 25)).toEqual([]);
  });

  test("follows a rename and a change of the filtered fields (the name guard moves and carries them)", async () => {
    const first = (await fleet.request("GET", `${FLEET}/servers?sort=name&limit=1`)).body.items[0];
    const created = await fleet.request("POST", `${FLEET}/servers`, {
      body: serverBody({ name: "mmm-moved", region: "ap-south-1", tags: ["solo"] }),
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await walk("&sort=name&region=ap-south-1", 10)).map((s) => s.name)).toEqual(["mmm-moved"]);
    expect((await fleet.request("PATCH", `${FLEET}/servers/${id}`, { body: { name: "--first", region: "sa-east-1" } })).status).toBe(200);
    const page = (await fleet.request("GET", `${FLEET}/servers?sort=name&limit=2`)).body.items;
    expect(page.map((s: { name: string }) => s.name)).toEqual(["--first", first.name]);
    expect(await walk("&sort=name&region=ap-south-1", 10)).toEqual([]);
    expect((await walk("&sort=name&region=sa-east-1&tag=solo", 10)).map((s) => s.id)).toEqual([id]);
    // A change of case keeps the position; decommissioning hides it, as in every order.
    expect((await fleet.request("PATCH", `${FLEET}/servers/${id}`, { body: { name: "--FIRST" } })).status).toBe(200);
    expect((await fleet.request("GET", `${FLEET}/servers?sort=name&limit=1`)).body.items[0].name).toBe("--FIRST");
    expect((await fleet.request("DELETE", `${FLEET}/servers/${id}`)).status).toBe(200);
    expect((await fleet.request("GET", `${FLEET}/servers?sort=name&limit=1`)).body.items[0].id).toBe(first.id);
    expect((await walk("&sort=name&status=decommissioned", 10)).map((s) => s.id)).toEqual([id]);
  });
});

describe("bad input", () => {
  test("an unknown sort is a 400 in the error envelope naming the field, and changes nothing", async () => {
    for (const sort of ["NAME", "hostname", "name,-registered", ""]) {
      const res = await fleet.request("GET", `${FLEET}/servers?sort=${encodeURIComponent(sort)}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details[0].path).toBe("sort");
    }
  });

  test("a cursor continues only the order it came from", async () => {
    const byName = await fleet.request("GET", `${FLEET}/servers?sort=name&limit=5`);
    const byRegistration = await fleet.request("GET", `${FLEET}/servers?limit=5`);
    const wrong = [
      `sort=registered&cursor=${byName.body.next_cursor}`,
      `sort=-name&cursor=${byRegistration.body.next_cursor}`,
      `sort=name&cursor=not-a-cursor`,
    ];
    for (const query of wrong) {
      const res = await fleet.request("GET", `${FLEET}/servers?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe("cursor");
    }
  });

  test("names outside the collation's alphabet (non-ASCII) are refused at registration", async () => {
    const res = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ name: "café-1" }) });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe("name");
  });
});
