// Listing: cursor pagination over a large fleet, and every filter, alone and combined.
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { keys, registerServer, type FleetContext } from "@fleetplane/core";
import { FLEET, listAllServers, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
const FLEET_SIZE = 1_200;
const regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const environments = ["production", "staging"];

beforeAll(async () => {
  fleet = await startTestFleet();
  const ctx: FleetContext = fleet.runtime.ctx;
  // Registered through the domain (the same transactions the API runs), 20 at a time.
  for (let start = 0; start < FLEET_SIZE; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, FLEET_SIZE - start) }, (_, k) => {
        const i = start + k;
        return registerServer(ctx, "default", {
          name: `node-${String(i).padStart(4, "0")}`,
          hostname: i % 100 === 7 ? `Special-${i}.Example.com` : `node-${i}.example.com`,
          api_url: `https://node-${i}.example.com`,
          api_token: "t",
          region: regions[i % 3],
          environment: environments[i % 2],
          tags: [i % 4 === 0 ? "db" : "web", ...(i % 5 === 0 ? ["critical"] : [])],
          status: i % 10 === 9 ? "maintenance" : "active",
        });
      }),
    );
  }
}, 180_000);
afterAll(() => fleet.close());

interface Listed {
  id: string;
  name: string;
  region: string | null;
  environment: string | null;
}

const collect = (query: string, limit: number) => listAllServers<Listed>(fleet, query, limit);

describe("pagination", () => {
  test(`walking ${FLEET_SIZE} servers 50 at a time returns each exactly once, in a stable order`, async () => {
    const items = await collect("", 50);
    expect(items).toHaveLength(FLEET_SIZE);
    expect(new Set(items.map((s) => s.id)).size).toBe(FLEET_SIZE);
    const again = await collect("", 500);
    expect(again.map((s) => s.id)).toEqual(items.map((s) => s.id));
  });

  test("the default page holds 50 servers and links to the next", async () => {
    const first = await fleet.request("GET", `${FLEET}/servers`);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.next_cursor).toEqual(expect.any(String));
  });
});

describe("sort", () => {
  test.each([
    ["the whole fleet", ""],
    ["a tag", "&tag=critical"],
    ["a placement slice", "&region=us-east-1&environment=production"],
    ["a status filter", "&status=maintenance"],
  ])("sort=-registered lists %s newest first, each server once across pages", async (_what, query) => {
    const oldestFirst = await collect(query, 500);
    const newestFirst = await collect(`${query}&sort=-registered`, 70);
    expect(newestFirst.map((s) => s.id)).toEqual(oldestFirst.map((s) => s.id).reverse());
    expect(newestFirst.length).toBeGreaterThan(0);
  });

  test("an unknown sort is a 400 naming the field", async () => {
    const res = await fleet.request("GET", `${FLEET}/servers?sort=hostname`);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe("sort");
  });
});

describe("filters", () => {
  const expected = (pick: (i: number) => boolean) =>
    Array.from({ length: FLEET_SIZE }, (_, i) => i)
      .filter(pick)
      .map((i) => `node-${String(i).padStart(4, "0")}`);
  const names = (items: Array<{ name: string }>) => items.map((s) => s.name).sort();

  test("region, environment and status, alone", async () => {
    expect(names(await collect("&region=eu-west-1", 100))).toEqual(expected((i) => i % 3 === 1));
    expect(names(await collect("&environment=staging", 500))).toEqual(expected((i) => i % 2 === 1));
    expect(names(await collect("&status=maintenance", 500))).toEqual(expected((i) => i % 10 === 9));
    expect(await collect("&health_status=healthy", 500)).toEqual([]);
    expect((await collect("&health_status=unknown", 500)).length).toBe(FLEET_SIZE);
  });

  test("a filter's first read is sized by the share the summary counts give it: a page of 1-in-10 servers takes one Query", async () => {
    const queries = () => fleet.runtime.ctx.table.meter.snapshot().byOperation.Query?.requests ?? 0;
    await fleet.request("GET", `${FLEET}/summary`);
    const before = queries();
    const page = await fleet.request("GET", `${FLEET}/servers?limit=50&status=maintenance`);
    expect(page.body.items).toHaveLength(50);
    expect(page.body.items.every((s: { status: string }) => s.status === "maintenance")).toBe(true);
    // 1 in 10 is maintenance: the first read asks for about 612 servers and holds the page (a blind guess
    // of 1 in 2 read 123, found 12, and needed a second read).
    expect(queries() - before).toBe(1);
  });

  test("a page reads back only what it returns: no token ciphertext, revision or index keys travel", async () => {
    const table = fleet.runtime.ctx.table;
    const { query, batchGet } = table;
    const read: object[] = [];
    const spies = [
      vi.spyOn(table, "query").mockImplementation(async (input) => {
        const page = await query.call(table, input);
        read.push(...page.items);
        return page as never;
      }),
      vi.spyOn(table, "batchGet").mockImplementation(async (keys, options) => {
        const items = await batchGet.call(table, keys, options);
        read.push(...items);
        return items as never;
      }),
    ];
    try {
      // Read in order, by a tag's entries, and through the placement index.
      for (const filter of ["", "&status=maintenance", "&tag=critical", "&environment=production&region=eu-west-1"]) {
        const page = await fleet.request("GET", `${FLEET}/servers?limit=20${filter}`);
        expect(page.body.items).toHaveLength(20);
      }
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
    const servers = read.filter((item) => "hostname" in item);
    expect(servers.length).toBeGreaterThanOrEqual(80);
    for (const server of servers) expect(server).not.toHaveProperty("api_token_enc");
    for (const server of servers) expect(server).not.toHaveProperty("revision");
    for (const server of servers) expect(server).not.toHaveProperty("placement");
  });

  test("repeated tags must all match", async () => {
    expect(names(await collect("&tag=db&tag=critical", 500))).toEqual(expected((i) => i % 4 === 0 && i % 5 === 0));
  });

  test("q searches name and hostname case-insensitively", async () => {
    expect(names(await collect("&q=SPECIAL", 500))).toEqual(expected((i) => i % 100 === 7));
    expect(names(await collect("&q=node-011", 500))).toEqual(expected((i) => i >= 110 && i <= 119));
  });

  test("all filters combined", async () => {
    const got = names(await collect("&region=us-east-1&environment=production&status=active&tag=web&q=node-1", 7));
    const searchable = (i: number) =>
      `node-${String(i).padStart(4, "0")}\n${i % 100 === 7 ? `special-${i}.example.com` : `node-${i}.example.com`}`;
    expect(got).toEqual(expected((i) => i % 3 === 0 && i % 2 === 0 && i % 10 !== 9 && i % 4 !== 0 && searchable(i).includes("node-1")));
    expect(got.length).toBeGreaterThan(10);
  });

  test("a rare environment or region is read from the placement index: registration order, each once, across pages", async () => {
    // 6 servers in a region nobody else uses, over two environments and none; 4 in a rare environment over three regions.
    const register = async (name: string, body: Record<string, unknown>) => {
      const res = await fleet.request("POST", `${FLEET}/servers`, {
        body: { name, hostname: `${name}.example.com`, api_url: `https://${name}.example.com`, api_token: "t", ...body },
      });
      expect(res.status).toBe(201);
    };
    for (let i = 0; i < 6; i++)
      await register(`rare-${i}`, { region: "sa-east-1", ...(i % 3 === 2 ? {} : { environment: environments[i % 2] }) });
    for (let i = 0; i < 4; i++)
      await register(`canary-${i}`, { environment: "canary", region: regions[i % 3], tags: i % 2 ? ["db"] : ["web"] });
    const all = await collect("", 500);
    const ids = (pick: (s: Listed) => boolean) => all.filter(pick).map((s) => s.id);
    expect((await collect("&region=sa-east-1", 4)).map((s) => s.id)).toEqual(ids((s) => s.region === "sa-east-1"));
    expect((await collect("&region=sa-east-1", 4)).length).toBe(6);
    expect((await collect("&environment=canary", 1)).map((s) => s.id)).toEqual(ids((s) => s.environment === "canary"));
    expect((await collect("&environment=canary&tag=db", 1)).map((s) => s.name)).toEqual(["canary-1", "canary-3"]);
    expect((await collect("&region=sa-east-1&environment=staging", 500)).map((s) => s.name)).toEqual(["rare-1", "rare-3"]);
  });

  test("a tag filter reads the tag's entries, which follow updates, decommissioning and purging; a leftover entry is passed over", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fleet.request("POST", `${FLEET}/servers`, {
        body: {
          name: `tagged-${i}`,
          hostname: `tagged-${i}.example.com`,
          api_url: `https://t${i}.example.com`,
          api_token: "t",
          tags: ["blue", ...(i ? ["teal"] : [])],
        },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const names = async (query: string) => (await collect(query, 1)).map((s) => s.name);
    expect(await names("&tag=blue")).toEqual(["tagged-0", "tagged-1", "tagged-2"]);
    expect(await names("&tag=blue&tag=teal")).toEqual(["tagged-1", "tagged-2"]);

    expect((await fleet.request("PATCH", `${FLEET}/servers/${ids[0]}`, { body: { tags: ["green"] } })).status).toBe(200);
    expect(
      (await fleet.request("PATCH", `${FLEET}/servers/${ids[1]}`, { body: { status: "maintenance", name: "renamed-1" } })).status,
    ).toBe(200);
    expect(await names("&tag=blue")).toEqual(["renamed-1", "tagged-2"]);
    expect(await names("&tag=green")).toEqual(["tagged-0"]);
    expect(await names("&tag=blue&status=maintenance&q=RENAMED")).toEqual(["renamed-1"]);

    expect((await fleet.request("DELETE", `${FLEET}/servers/${ids[2]}`)).status).toBe(200);
    expect(await names("&tag=teal")).toEqual(["renamed-1"]);
    expect(await names("&tag=teal&status=decommissioned")).toEqual(["tagged-2"]);
    expect((await fleet.request("DELETE", `${FLEET}/servers/${ids[2]}?purge=true`)).status).toBe(204);
    expect(await names("&tag=teal&status=decommissioned")).toEqual([]);
    const ctx = fleet.runtime.ctx;
    const entries = async (tag: string) =>
      (
        await ctx.table.queryAll({
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.tagPartition("default", tag) },
        })
      )
        .map((i) => i.sk)
        .sort();
    expect(await entries("blue")).toEqual([ids[1]!].map((id) => keys.server("default", id).sk));
    expect(await entries("teal")).toEqual([ids[1]!].map((id) => keys.server("default", id).sk));

    // An entry whose server no longer carries the tag (as a crash between two writes could leave) is not listed.
    await ctx.table.put({
      Item: {
        ...keys.serverTag("default", "green", ids[1]!),
        entity: "server_tag",
        status: "maintenance",
        tags: ["green"],
        search_text: "",
      },
    });
    expect(await names("&tag=green")).toEqual(["tagged-0"]);
  });

  test("replacing all of 50 tags at once (more entries than one transaction holds) leaves no entry of a lost tag", async () => {
    const tags = (prefix: string) => Array.from({ length: 50 }, (_, i) => `${prefix}${i}`);
    const res = await fleet.request("POST", `${FLEET}/servers`, {
      body: {
        name: "many-tags",
        hostname: "many-tags.example.com",
        api_url: "https://many.example.com",
        api_token: "t",
        tags: tags("old-"),
      },
    });
    expect(res.status).toBe(201);
    expect((await fleet.request("PATCH", `${FLEET}/servers/${res.body.id}`, { body: { tags: tags("new-") } })).status).toBe(200);
    expect((await collect("&tag=new-7", 10)).map((s) => s.name)).toEqual(["many-tags"]);
    expect(await collect("&tag=old-7", 10)).toEqual([]);
    const left = await Promise.all(tags("old-").map((tag) => fleet.runtime.ctx.table.get(keys.serverTag("default", tag, res.body.id))));
    expect(left.filter(Boolean)).toEqual([]);
  });
});
