// The console's groups and operations views in a real browser (Debian's Chromium) against a local Fleetplane
// and simulated agents: a group's criteria and members, a dry run's targets, an operation followed to its end
// on its page, and the operations list.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSimulator, type Simulator } from "@fleetplane/agent/simulator";
import { registerSimulatedFleet } from "../operations/support.js";
import { FLEET, startTestFleet, type TestFleet } from "../support/fleet.js";
import { launchChromium, shot, signedInPage, type PageWatch } from "./browser.js";

let fleet: TestFleet;
let simulator: Simulator;
let browser: Browser;
let page: Page;
let watch: PageWatch;
let ids: string[];
const group = `g${process.pid}-web`;

beforeAll(async () => {
  browser = await launchChromium();
  fleet = await startTestFleet({ probeSchedule: false });
  simulator = await startSimulator({ count: 6, seed: 5 });
  // Servers 0–3 carry the group's tag; server 4 joins it statically; server 5 stays out.
  // The web servers run in production, so starting anything on them asks for a typed confirmation.
  ids = await registerSimulatedFleet(fleet, simulator, (i) => ({ tags: i < 4 ? ["web"] : ["db"], environment: i < 4 ? "production" : "staging" }));
  const created = await fleet.request("POST", `${FLEET}/groups`, { body: { name: group, tags: ["web"], server_ids: [ids[4]] } });
  expect(created.status).toBe(201);

  ({ page, watch } = await signedInPage(browser, fleet.url, fleet.adminKey, { width: 1280, height: 900 }));
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

  test("a review lists the targets; production needs a typed confirmation; the operation runs to its end on its page", async () => {
    await page.goto(`${fleet.url}/#/operations/new`);
    await page.getByLabel("Operation", { exact: true }).selectOption("run_health_check");
    await page.getByLabel(group).check();
    await page.getByRole("button", { name: "Review targets" }).click();
    await expect.poll(() => page.locator("#dry-run-targets tbody tr").count()).toBe(5);
    expect((await fleet.request("GET", `${FLEET}/operations`)).body.items).toEqual([]);

    // Four targets are production servers: Start stays disabled until "production" is typed.
    const start = page.getByRole("button", { name: "Start operation" });
    expect(await start.isDisabled()).toBe(true);
    await page.getByLabel(/Type "production" to start/).fill("5");
    expect(await start.isDisabled()).toBe(true);
    await page.getByLabel(/Type "production" to start/).fill("production");
    await shot(page, "operation-review");
    await start.click();
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

  test("changing an input after a review hides the review until the next one", async () => {
    await page.goto(`${fleet.url}/#/operations/new`);
    await page.getByLabel("Operation", { exact: true }).selectOption("run_health_check");
    await page.getByLabel(group).check();
    await page.getByRole("button", { name: "Review targets" }).click();
    await page.locator("#dry-run-targets").waitFor();
    await page.getByLabel("Tags").fill("db");
    expect(await page.locator("#review").isHidden()).toBe(true);
  });

  test("servers picked in the inventory: select → review → confirm → progress with failed first → retry failed", async () => {
    // Server 5 refuses connections: its run fails, server 4's succeeds.
    simulator.setProfile(5, { kind: "refused" });
    await page.goto(`${fleet.url}/#/servers?tag=db`);
    await page.locator("#server-table tbody tr").first().waitFor();
    expect(await page.locator("#server-table tbody tr").count()).toBe(2);
    // "All matching the filter" targets the filter itself.
    await page.getByLabel("Select all matching the filter").check();
    expect(await page.getByRole("button", { name: "Run operation on all matching servers" }).isEnabled()).toBe(true);
    await page.getByLabel("Select all matching the filter").uncheck();
    for (const row of await page.locator("#server-table tbody tr").all()) await row.locator(".select-server").check();
    await shot(page, "servers-selected");
    await page.getByRole("button", { name: "Run operation on 2 servers" }).click();

    await page.getByText("2 selected server(s)").waitFor();
    await page.getByLabel("Operation", { exact: true }).selectOption("restart_services");
    await page.getByLabel("Services").fill("api");
    await page.getByLabel("Max errors").fill("5");
    await page.getByRole("button", { name: "Review targets" }).click();
    await expect.poll(() => page.locator("#dry-run-targets tbody tr").count()).toBe(2);
    // Two staging servers: no typing needed.
    await page.getByRole("button", { name: "Start operation" }).click();
    await page.locator("#operation-targets").waitFor();
    const first = decodeURIComponent(new URL(page.url()).hash.split("/").pop()!);

    await page.locator("#failed-targets").waitFor({ timeout: 30_000 });
    expect(await page.locator("#failed-targets tbody tr").getAttribute("data-server-id")).toBe(ids[5]);
    await expect.poll(() => page.locator("#retry-failed").count(), { timeout: 30_000 }).toBe(1);
    const body = (await fleet.request("GET", `${FLEET}/operations/${first}`)).body;
    expect(body).toMatchObject({ failed_servers: 1, completed_servers: 1, parameters: { services: ["api"] } });
    await shot(page, "operation-progress");

    simulator.setProfile(5, { kind: "healthy" });
    await page.locator("#retry-failed").click();
    await page.getByText("1 server(s) that failed").waitFor();
    expect(await page.getByLabel("Services").inputValue()).toBe("api");
    await page.getByRole("button", { name: "Review targets" }).click();
    await expect.poll(() => page.locator("#dry-run-targets tbody tr").count()).toBe(1);
    await page.getByRole("button", { name: "Start operation" }).click();
    await expect.poll(() => new URL(page.url()).hash).not.toContain("/new");
    const retry = decodeURIComponent(new URL(page.url()).hash.split("/").pop()!);
    expect(retry).not.toBe(first);
    const fact = (name: string) => page.locator(`#operation-facts [data-fact="${name}"] dd`);
    await expect.poll(() => fact("status").textContent(), { timeout: 30_000 }).toBe("completed");
    const retried = (await fleet.request("GET", `${FLEET}/operations/${retry}/servers`)).body.items;
    expect(retried.map((t: { server_id: string; status: string }) => [t.server_id, t.status])).toEqual([[ids[5], "succeeded"]]);
  });

  test("the views made no request outside the console's origin and hit no script or CSP errors", () => {
    expect(watch.foreignRequests).toEqual([]);
    expect(watch.problems).toEqual([]);
  });
});
