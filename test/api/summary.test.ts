// The fleet summary is kept exact by deltas written with each change, even under concurrency.
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { DEFAULT_ORGANIZATION_ID, keys } from "@fleetplane/core";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet.close());

test("counts stay exact after 200 concurrent registrations and 80 concurrent decommissions and updates", async () => {
  const regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
  const registered = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      fleet.request("POST", `${FLEET}/servers`, {
        body: serverBody({ region: regions[i % 3], environment: i % 2 ? "staging" : "production" }),
      }),
    ),
  );
  expect(registered.every((r) => r.status === 201)).toBe(true);
  const ids = registered.map((r) => r.body.id as string);

  // Decommission 50 and move 30 others to maintenance in eu-central-1, all at once, some twice.
  const changes = await Promise.all([
    ...ids.slice(0, 50).map((id) => fleet.request("DELETE", `${FLEET}/servers/${id}`)),
    ...ids.slice(0, 10).map((id) => fleet.request("DELETE", `${FLEET}/servers/${id}`)),
    ...ids
      .slice(50, 80)
      .map((id) => fleet.request("PATCH", `${FLEET}/servers/${id}`, { body: { status: "maintenance", region: "eu-central-1" } })),
  ]);
  expect(changes.every((r) => r.status === 200)).toBe(true);

  const { body: summary } = await fleet.request("GET", `${FLEET}/summary`);
  const all = [
    ...(await fleet.request("GET", `${FLEET}/servers?limit=500`)).body.items,
    ...(await fleet.request("GET", `${FLEET}/servers?limit=500&status=decommissioned`)).body.items,
  ] as Array<{ status: string; health_status: string; region: string; environment: string }>;
  const live = all.filter((s) => s.status !== "decommissioned");
  const tally = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

  expect(summary.total_servers).toBe(150);
  expect(summary.by_status).toEqual({ active: 120, maintenance: 30, decommissioned: 50 });
  expect(summary.by_status).toEqual(tally(all.map((s) => s.status)));
  expect(summary.by_health).toEqual(tally(live.map((s) => s.health_status)));
  expect(summary.by_region).toEqual(tally(live.map((s) => s.region)));
  expect(summary.by_environment).toEqual(tally(live.map((s) => s.environment)));
  expect(summary.by_region["eu-central-1"]).toBe(30);
});

test("a process reuses the counts for summaryCountsSeconds unless it wrote since; others' changes show within that", async () => {
  const own = await startTestFleet({ config: { summaryCountsSeconds: 3 } });
  try {
    const total = async () => (await own.request("GET", `${FLEET}/summary`)).body.total_servers as number;
    const before = await total();
    // This process writes: the next summary reads the item again, exact at once.
    expect((await own.request("POST", `${FLEET}/servers`, { body: serverBody() })).status).toBe(201);
    expect(await total()).toBe(before + 1);
    // Another process (a Lambda elsewhere) moves the counters: not seen at once, seen within the window.
    await own.runtime.ctx.table.doc.send(
      new UpdateCommand({
        TableName: own.runtime.ctx.table.name,
        Key: keys.summary(DEFAULT_ORGANIZATION_ID),
        UpdateExpression: "ADD #t :n",
        ExpressionAttributeNames: { "#t": "n:total" },
        ExpressionAttributeValues: { ":n": 1000 },
      }),
    );
    expect(await total()).toBe(before + 1);
    await vi.waitFor(async () => expect(await total()).toBe(before + 1001), { timeout: 10_000, interval: 200 });
  } finally {
    await own.close();
  }
});
