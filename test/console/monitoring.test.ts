// The console's monitoring views in a real browser (Debian's Chromium) against a local Fleetplane whose simulated
// servers were probed for half an hour: charts drawn from the API's metrics, the health timeline and
// distribution, the alerts list, a view updating itself after a change made through the API, and the bundled
// assets' cache headers.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FLEET } from "../support/fleet.js";
import { startProbeFleet, type ProbeFleet } from "../probes/support.js";
import { launchChromium, shot, signedInPage, type PageWatch } from "./browser.js";

let f: ProbeFleet;
let browser: Browser;
let page: Page;
let watch: PageWatch;

beforeAll(async () => {
  const start = Date.now() - 30 * 60_000;
  f = await startProbeFleet(4, {
    start: start - (start % 60_000),
    config: { alerts: { memoryPercent: 1, consecutivePoints: 2 }, probes: { requestTimeoutMs: 300 } },
  });
  await f.cycle(0, true);
  f.sim.setProfile(0, { kind: "degraded" });
  for (let i = 0; i < 8; i++) await f.cycle(60, true);
  browser = await launchChromium();
  ({ page, watch } = await signedInPage(browser, f.fleet.url, f.fleet.adminKey));
});

afterAll(async () => {
  await browser?.close();
  await f?.close();
});

describe("console: charts, alerts and live updates", () => {
  test("server detail draws CPU, memory, disk, network and failed services from the API's points, with hover values and a range switch", async () => {
    await page.goto(`${f.fleet.url}/#/servers/${f.ids[0]}`);
    const resources = page.locator("#chart-resources");
    await resources.locator("canvas").waitFor();
    const points = (await f.fleet.request("GET", `${FLEET}/servers/${f.ids[0]}/metrics?period=1m`)).body.points.length;
    expect(points).toBeGreaterThan(5);
    expect(Number(await resources.getAttribute("data-points"))).toBe(points);
    for (const id of ["#chart-network", "#chart-failed-services"]) await page.locator(`${id} canvas`).waitFor();
    expect(Number(await page.locator("#health-timeline").getAttribute("data-checks"))).toBeGreaterThan(5);
    expect(await page.locator("#health-timeline .status-degraded").count()).toBeGreaterThan(0);

    // Hovering the plot shows the values under the cursor in the legend.
    await resources.scrollIntoViewIfNeeded();
    const box = (await resources.locator(".u-over").boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await expect.poll(() => resources.locator(".u-legend .u-series:nth-child(2) .u-value").textContent()).toMatch(/\d+(\.\d)? %/);
    await shot(page, "server-detail-charts");

    await page.getByRole("button", { name: "24h" }).click();
    await expect.poll(() => page.getByRole("button", { name: "24h" }).getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => page.locator("#metrics-title + .chart-head p").textContent()).toMatch(/of 5m over the last 24h/);
  });

  test("the overview charts the health distribution and fleet CPU/memory; its alert card opens the alerts list", async () => {
    await page.goto(`${f.fleet.url}/#/overview`);
    await page.locator('#health-distribution a[data-health="degraded"]').waitFor();
    expect(await page.locator('#health-distribution a[data-health="degraded"]').getAttribute("href")).toBe("#/servers?health_status=degraded");
    await page.locator("#chart-fleet canvas").waitFor();
    expect(Number(await page.locator("#chart-fleet").getAttribute("data-points"))).toBeGreaterThan(0);
    await shot(page, "overview");

    await page.locator('[data-figure="open_alerts"]').click();
    await page.getByRole("heading", { name: "Alerts", level: 1 }).waitFor();
    const row = page.locator(`#alert-table tr[data-alert-id="${f.ids[0]}:health_degraded"]`);
    await row.waitFor();
    expect(await row.locator("td").allTextContents()).toEqual(expect.arrayContaining(["health degraded", "warning"]));
    await shot(page, "alerts");
  });

  test("the alerts page updates itself after a change made through the API", async () => {
    await page.goto(`${f.fleet.url}/#/alerts?view=open`);
    const row = page.locator(`#alert-table tr[data-alert-id="${f.ids[0]}:health_degraded"]`);
    await row.waitFor();
    const before = await page.locator("#last-update").textContent();
    expect((await f.fleet.request("DELETE", `${FLEET}/servers/${f.ids[0]}`)).status).toBeLessThan(300);
    await row.waitFor({ state: "detached", timeout: 25_000 });
    expect(await page.locator("#last-update").textContent()).not.toBe(before);
    await page.getByRole("link", { name: "Recently resolved" }).click();
    await page.locator("#alert-table, .empty").first().waitFor();
  });

  test("index.html is revalidated on every load; the hashed bundle is cached for a year", async () => {
    const index = await fetch(`${f.fleet.url}/`);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(index.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await index.text();
    const script = /src="(assets\/main-[A-Z0-9]+\.js)"/.exec(html)![1];
    const style = /href="(assets\/console-[A-Z0-9]+\.css)"/.exec(html)![1];
    for (const asset of [script, style]) {
      const res = await fetch(`${f.fleet.url}/${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
  });

  test("the views made no request outside the console's origin and hit no script or CSP errors", () => {
    expect(watch.foreignRequests).toEqual([]);
    expect(watch.problems).toEqual([]);
  });
});
