// The console's groups and operations views in a real browser (Debian's Chromium) against a local Fleetplane
// and simulated agents: a group's criteria and members, a dry run's targets, an operation followed to its end
// on its page, and the operations list.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSimulator, type Simulator } from "@fleetplane/agent/simulator";
import { registerSimulatedFleet } from "../operations/support.js";
import { FLEET, startTestFleet, type TestFleet } from "../support/fleet.js";
import { launchChromium, reportCspViolations, watchPage, type PageWatch } from "./browser.js";

let fleet: TestFleet;
let simulator: Simulator;
let browser: Browser;
let page: Page;
let watch: PageWatch;
const group = `g${process.pid}-web`;

beforeAll(async () => {
  browser = await launchChromium();
  fleet = await startTestFleet({ probeSchedule: false });
  simulator = await startSimulator({ count: 6, seed: 5 });
  // Servers 0–3 carry the group's tag; server 4 joins it statically; server 5 stays out.
  const ids = await registerSimulatedFleet(fleet, simulator, (i) => ({ tags: i < 4 ? ["web"] : ["db"] }));
  const created = await fleet.request("POST", `${FLEET}/groups`, { body: { name: group, tags: ["web"], server_ids: [ids[4]] } });
  expect(created.status).toBe(201);

  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(10_000);
  await reportCspViolations(page);
  watch = watchPage(page, fleet.url);
  await page.goto(`${fleet.url}/#/sign-in`);
  await page.getByLabel("API key").fill(fleet.adminKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Fleet overview" }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await simulator?.close();
  await fleet?.close();
});

const cellTexts = (row: ReturnType<Page["locator"]>) => row.locator("th, td").allTextContents();

describe("console: groups and operations", () => {
  test("the groups list shows a group's criteria and static members; its page lists members and why they belong", async () => {
    await page.goto(`${fleet.url}/#/groups`);
    const row = page.locator("tbody tr", { has: page.getByRole("link", { name: group }) });
    // The list renders after its request returns; reading cells before the row exists would read none.
    await row.waitFor();
    expect(await cellTexts(row)).toEqual([group, "—", "tags web", "1"]);

    await page.getByRole("link", { name: group }).click();
    await page.getByRole("heading", { name: "Servers (5)" }).waitFor();
    const membership = await page.locator("tbody tr td:last-child").allTextContents();
    expect(membership.filter((m) => m === "by criteria")).toHaveLength(4);
    expect(membership.filter((m) => m === "static")).toHaveLength(1);
  });

  test("a dry run lists the targets; the started operation runs to its end on its page and shows in the list", async () => {
    await page.goto(`${fleet.url}/#/operations/new`);
    await page.getByLabel("Operation", { exact: true }).selectOption("run_health_check");
    await page.getByLabel(group).check();
    await page.getByRole("button", { name: "Preview targets (dry run)" }).click();
    await expect.poll(() => page.locator("#dry-run-targets tbody tr").count()).toBe(5);
    expect((await fleet.request("GET", `${FLEET}/operations`)).body.items).toEqual([]);

    await page.getByRole("button", { name: "Start operation" }).click();
    await page.locator("#operation-targets").waitFor();
    const id = decodeURIComponent(new URL(page.url()).hash.split("/").pop()!);
    // The page refreshes itself until the operation has finished.
    const fact = (name: string) => page.locator(`#operation-facts [data-fact="${name}"] dd`);
    await expect.poll(() => fact("status").textContent(), { timeout: 30_000 }).toBe("completed");
    expect(await fact("succeeded").textContent()).toBe("5");
    await expect
      .poll(() => page.locator("#operation-targets tbody tr td:nth-of-type(1)").allTextContents())
      .toEqual(Array(5).fill("succeeded"));
    expect((await fleet.request("GET", `${FLEET}/operations/${id}`)).body.completed_servers).toBe(5);

    await page.getByRole("link", { name: "Operations" }).first().click();
    const listed = page.locator(`tr[data-operation-id="${id}"]`);
    await listed.waitFor();
    expect(await cellTexts(listed)).toEqual(expect.arrayContaining(["completed", "5 ok · 0 failed / 5"]));
  });

  test("the views made no request outside the console's origin and hit no script or CSP errors", () => {
    expect(watch.foreignRequests).toEqual([]);
    expect(watch.problems).toEqual([]);
  });
});
