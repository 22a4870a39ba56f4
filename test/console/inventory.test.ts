// The console's inventory in a real browser (Debian's Chromium) against a local Fleetplane of 56 servers: CPU,
// memory and last-check columns, the rows drawn before the summary arrives, ordering by registration, following the fleet without a reload, a group's
// members a page at a time, a field error given once, the whole fleet selected for an operation's review, and
// the operations list picking up an operation started elsewhere.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";
import { launchChromium, shot, signedInPage, type PageWatch } from "./browser.js";

let fleet: TestFleet;
let browser: Browser;
let page: Page;
let watch: PageWatch;
const run = `i${process.pid}`;
const SERVERS = 56;
/** Names in registration order. */
const names: string[] = [];
const ids: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  fleet = await startTestFleet({ probeSchedule: false });
  // Agents on a closed local port: an operation on them fails at once instead of waiting on DNS.
  for (let i = 0; i < SERVERS; i++) {
    const body = serverBody({ name: `${run}-${String(i).padStart(2, "0")}`, tags: ["bulk"], api_url: "http://127.0.0.1:9" });
    const created = await fleet.request("POST", `${FLEET}/servers`, { body });
    expect(created.status).toBe(201);
    names.push(created.body.name);
    ids.push(created.body.id);
  }
  expect((await fleet.request("POST", `${FLEET}/groups`, { body: { name: `${run}-bulk`, tags: ["bulk"] } })).status).toBe(201);
  ({ page, watch } = await signedInPage(browser, fleet.url, fleet.adminKey));
});

afterAll(async () => {
  await browser?.close();
  await fleet?.close();
});

const rowNames = () => page.locator("#server-table tbody th a").allTextContents();

describe("console: the inventory", () => {
  test("a server never checked shows — for CPU, memory and last check", async () => {
    await page.goto(`${fleet.url}/#/servers`);
    const row = page.locator(`#server-table tr[data-server-id="${ids[0]}"]`);
    await row.waitFor();
    expect(await page.locator("#server-table thead th").allTextContents()).toEqual(
      expect.arrayContaining(["Name", "CPU", "Memory", "Last check"]),
    );
    for (const column of ["cpu", "memory", "last-check"]) expect(await row.locator(`[data-column="${column}"]`).textContent()).toBe("—");
    await shot(page, "servers-inventory");
  });

  test("the first rows are drawn while the summary is still on its way; its regions and total follow", async () => {
    // The summary is held back until the rows are on screen: the table must not wait for it.
    let releaseSummary = () => {};
    const held = new Promise<void>((resolve) => (releaseSummary = resolve));
    await page.route("**/api/v1/fleet/summary", async (route) => {
      await held;
      await route.continue();
    });
    try {
      // (Another address than the one on screen: the same one would not draw the view again.)
      await page.goto(`${fleet.url}/#/servers?limit=25`);
      await page.locator("#server-table tbody tr").first().waitFor();
      expect(await page.locator("#filter-region option").allTextContents()).toEqual(["any"]);
      expect(await page.locator(".pager .muted").textContent()).toBe("Page 1 · 25 shown");
      releaseSummary();
      await expect.poll(() => page.locator("#filter-region option").allTextContents(), { timeout: 10_000 }).toContain("us-east-1");
      await expect
        .poll(() => page.locator(".pager .muted").textContent(), { timeout: 10_000 })
        .toMatch(/^Page 1 · 25 shown of \d+ servers$/);
    } finally {
      releaseSummary();
      await page.unroute("**/api/v1/fleet/summary");
    }
  });

  test("the order follows registration: oldest first by default (paging next and back), newest first when chosen", async () => {
    await page.goto(`${fleet.url}/#/servers`);
    await page.locator("#server-table tbody tr").first().waitFor();
    expect(await rowNames()).toEqual(names.slice(0, 25));
    // Next draws the page read ahead; Previous goes back to the first.
    await page.getByRole("button", { name: "Next →" }).click();
    await expect.poll(rowNames, { timeout: 10_000 }).toEqual(names.slice(25, 50));
    expect(await page.locator(".pager .muted").textContent()).toMatch(/^Page 2 · 25 shown of \d+ servers$/);
    await page.getByRole("button", { name: "← Previous" }).click();
    await expect.poll(rowNames, { timeout: 10_000 }).toEqual(names.slice(0, 25));

    await page.getByLabel("Order").selectOption("-registered");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => new URL(page.url()).hash, { timeout: 10_000 }).toContain("sort=-registered");
    await expect.poll(rowNames, { timeout: 10_000 }).toEqual(names.slice(-25).reverse());
    const api = (await fleet.request("GET", `${FLEET}/servers?sort=-registered&limit=1`)).body.items[0].name;
    expect((await rowNames())[0]).toBe(api);
  });

  test("the Name header asks for the name order through the address, keeping the filter", async () => {
    await page.goto(`${fleet.url}/#/servers?region=us-east-1`);
    await page.locator("#server-table tbody tr").first().waitFor();
    await page.locator("#sort-by-name").click();
    await expect.poll(() => new URL(page.url()).hash, { timeout: 10_000 }).toBe("#/servers?region=us-east-1&sort=name");
    await expect.poll(() => page.locator("#filter-sort").inputValue(), { timeout: 10_000 }).toBe("name");
  });

  test("the list updates itself when a server is registered through the API, and says when", async () => {
    await page.goto(`${fleet.url}/#/servers?sort=-registered`);
    await page.locator("#server-table tbody tr").first().waitFor();
    const before = await page.locator("#last-update").textContent();
    expect(before).toMatch(/^Updated /);
    const created = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ name: `${run}-late`, tags: ["late"] }) });
    expect(created.status).toBe(201);
    // The event feed is asked every 3 s; no reload, no click.
    await page.locator(`#server-table tr[data-server-id="${created.body.id}"]`).waitFor({ timeout: 20_000 });
    expect((await rowNames())[0]).toBe(`${run}-late`);
    expect(await page.locator("#last-update").textContent()).not.toBe(before);
  });

  test("a group's members are listed 50 at a time", async () => {
    const group = (await fleet.request("GET", `${FLEET}/groups`)).body.items.find((g: { name: string }) => g.name === `${run}-bulk`);
    await page.goto(`${fleet.url}/#/groups/${group.id}`);
    await page.getByRole("heading", { name: `Servers (${SERVERS})` }).waitFor();
    expect(await page.locator("#group-member-table tbody tr").count()).toBe(50);
    expect(await page.locator("#group-members .pager .muted").textContent()).toBe(`1–50 of ${SERVERS}`);
    await page.getByRole("button", { name: "Next →" }).click();
    await expect.poll(() => page.locator("#group-member-table tbody tr").count(), { timeout: 10_000 }).toBe(SERVERS - 50);
    expect(await page.locator("#group-members .pager .muted").textContent()).toBe(`51–${SERVERS} of ${SERVERS}`);
  });

  test("the same error for several tags is shown once beside the field", async () => {
    await page.goto(`${fleet.url}/#/servers/new`);
    await page.getByLabel("Name", { exact: true }).fill(`${run}-tags`);
    await page.getByLabel("Hostname").fill("tags.example.com");
    await page.getByLabel("Agent URL (api_url)").fill("https://tags.example.com");
    await page.getByLabel("Agent token (api_token)").fill("agent-secret");
    await page.getByLabel("Tags").fill("fine, bad!, worse!");
    await page.getByRole("button", { name: "Register server" }).click();
    const error = page.locator('.field[data-field="tags"] .field-error');
    await error.waitFor({ state: "visible" });
    expect(await error.textContent()).toBe("tags are letters, digits and . : / @ + = - _");
  });

  test("selecting every server with no filter reviews the whole active fleet before anything starts", async () => {
    const active = (await fleet.request("GET", `${FLEET}/summary`)).body.by_status.active as number;
    await page.goto(`${fleet.url}/#/servers`);
    await page.locator("#server-table tbody tr").first().waitFor();
    await page.getByLabel("Select all matching the filter").check();
    await page.getByRole("button", { name: "Run operation on all matching servers" }).click();
    await page.getByText("Every active server").waitFor();
    await page.getByLabel("Operation", { exact: true }).selectOption("run_health_check");
    await page.getByRole("button", { name: "Review targets" }).click();
    await page.locator("#dry-run-targets").waitFor();
    expect(await page.locator("#review .notice.info").textContent()).toContain(`${active} server(s) would run`);
    expect(await page.locator("#dry-run-targets tbody tr").count()).toBe(active);
    await page.getByLabel(/Type "production" to start/).waitFor();
    expect((await fleet.request("GET", `${FLEET}/operations`)).body.items).toEqual([]);
  });

  test("the operations list shows an operation started through the API without a reload", async () => {
    await page.goto(`${fleet.url}/#/operations`);
    await page.getByText("No operations yet.").waitFor();
    const started = await fleet.request("POST", `${FLEET}/operations`, {
      body: { operation_type: "run_health_check", server_ids: [ids[1]], max_errors: 1 },
    });
    expect(started.status).toBe(202);
    await page.locator(`tr[data-operation-id="${started.body.id}"]`).waitFor({ timeout: 20_000 });
    expect(await page.locator("#last-update").textContent()).toMatch(/^Updated /);
  });

  test("the views made no request outside the console's origin and hit no script or CSP errors", () => {
    expect(watch.foreignRequests).toEqual([]);
    expect(watch.problems).toEqual([]);
  });
});
