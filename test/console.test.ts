// The web console in a real browser (Debian's Chromium) against a local Fleetplane: sign-in, overview figures,
// registering with per-field errors, filtering, server detail, decommissioning, and role errors.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, reportCspViolations, watchPage, type PageWatch } from "./console/browser.js";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "./support/fleet.js";

let fleet: TestFleet;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let watch: PageWatch;
const run = `c${process.pid}`;

beforeAll(async () => {
  browser = await launchChromium();
  fleet = await startTestFleet({ probeSchedule: false });
  const seeded = [
    serverBody({ name: `${run}-web-1`, region: "eu-west-1", environment: "production", tags: ["web"] }),
    serverBody({ name: `${run}-web-2`, region: "eu-west-1", environment: "staging", tags: ["web"] }),
    serverBody({ name: `${run}-db-1`, region: "us-east-1", environment: "production", tags: ["db"] }),
  ];
  for (const body of seeded) expect((await fleet.request("POST", `${FLEET}/servers`, { body })).status).toBe(201);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await reportCspViolations(page);
  watch = watchPage(page, fleet.url);
});

afterAll(async () => {
  await browser?.close();
  await fleet?.close();
});

async function signIn(key: string): Promise<void> {
  await page.goto(`${fleet.url}/#/sign-in`);
  const signOut = page.getByRole("button", { name: "Sign out" });
  if (await signOut.isVisible()) await signOut.click();
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const figure = (name: string) => page.locator(`[data-figure="${name}"] .figure-value`);

describe("console", () => {
  test("a wrong key keeps the operator on sign-in with the error shown", async () => {
    await signIn("fpk_not-a-real-key");
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 10_000 }).toContain("not accepted (401)");
    expect(new URL(page.url()).hash).toMatch(/^#\/sign-in/);
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
  });

  test("signing in shows the overview with the API's summary figures; the key lives in sessionStorage only", async () => {
    await signIn(fleet.adminKey);
    await page.getByRole("heading", { name: "Fleet overview" }).waitFor();
    const summary = (await fleet.request("GET", `${FLEET}/summary`)).body;
    expect(await figure("total_servers").textContent()).toBe(String(summary.total_servers));
    for (const [key, counts] of Object.entries<Record<string, number>>({
      by_status: summary.by_status,
      by_region: summary.by_region,
      by_environment: summary.by_environment,
      by_health: summary.by_health,
    })) {
      for (const [name, n] of Object.entries(counts)) {
        expect(await page.locator(`[data-count="${key}:${name}"] td.num`).textContent(), `${key}.${name}`).toBe(String(n));
      }
    }
    if (summary.status) expect(await page.locator('[data-figure="status"]').textContent()).toContain(summary.status.toUpperCase());
    const storage = await page.evaluate(() => ({
      session: sessionStorage.getItem("fleetplane.session") ?? "",
      local: localStorage.length,
    }));
    expect(storage.session).toContain(fleet.adminKey);
    expect(storage.local).toBe(0);
  });

  test("registering through the form shows the API's field error for a bad api_url, then opens the new server", async () => {
    await page.getByRole("link", { name: "Servers", exact: true }).click();
    await page.getByRole("link", { name: "Register server" }).click();
    await page.getByLabel("Name", { exact: true }).fill(`${run}-api-9`);
    await page.getByLabel("Hostname").fill("api-9.example.com");
    await page.getByLabel("Agent URL (api_url)").fill("gopher://api-9.example.com");
    await page.getByLabel("Agent token (api_token)").fill("agent-secret-9");
    await page.getByLabel("Region").fill("ap-southeast-2");
    await page.getByLabel("Environment").fill("production");
    await page.getByLabel("Tags").fill("api, canary");
    await page.getByRole("button", { name: "Register server" }).click();

    const apiUrlError = page.locator('.field[data-field="api_url"] .field-error');
    await apiUrlError.waitFor({ state: "visible" });
    expect(await apiUrlError.textContent()).toMatch(/api_url must use http or https/);
    expect(await page.getByLabel("Agent URL (api_url)").getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("Agent URL (api_url)").fill("https://api-9.example.com");
    await page.getByRole("button", { name: "Register server" }).click();
    await page.getByRole("heading", { name: `${run}-api-9` }).waitFor();
    const listed = (await fleet.request("GET", `${FLEET}/servers`)).body.items.find((s: { name: string }) => s.name === `${run}-api-9`);
    expect(listed).toMatchObject({ region: "ap-southeast-2", tags: ["api", "canary"], status: "active" });
    expect(new URL(page.url()).hash).toContain(`/servers/${listed.id}`);
  });

  test("the server list filters by search and region, and pages with next/previous", async () => {
    await page.goto(`${fleet.url}/#/servers`);
    await page.locator("#server-table").waitFor();
    await page.getByLabel("Search").fill(`${run}-web`);
    await page.getByLabel("Region").selectOption("eu-west-1");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => page.locator("#server-table tbody tr").count(), { timeout: 10_000 }).toBe(2);
    expect(await page.locator("#server-table tbody th a").allTextContents()).toEqual(
      expect.arrayContaining([`${run}-web-1`, `${run}-web-2`]),
    );
    expect(new URL(page.url()).hash).toContain("region=eu-west-1");

    await page.getByLabel("Status").selectOption("decommissioned");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("No servers match.").waitFor();

    // 4 servers at 25 a page fit on one page: next is disabled; the API's paging itself is covered by test/api.
    await page.goto(`${fleet.url}/#/servers`);
    await page.locator("#server-table").waitFor();
    // The total comes from the summary; the region dropdown offers the summary's regions.
    await expect.poll(() => page.locator(".pager .muted").textContent(), { timeout: 10_000 }).toMatch(/of 4 servers/);
    expect(await page.locator("#filter-region option").allTextContents()).toEqual(["any", "ap-southeast-2", "eu-west-1", "us-east-1"]);
    expect(await page.getByRole("button", { name: "Next →" }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "← Previous" }).isDisabled()).toBe(true);
  });

  test("the detail page shows the server and decommissions it after confirmation", async () => {
    await page.getByRole("link", { name: `${run}-db-1` }).click();
    await page.getByRole("heading", { name: `${run}-db-1` }).waitFor();
    const facts = page.locator("#server-facts");
    expect(await facts.locator('[data-fact="region"] dd').textContent()).toBe("us-east-1");
    expect(await facts.locator('[data-fact="status"] dd').textContent()).toBe("active");
    await page.getByRole("heading", { name: "Health", exact: true }).waitFor();

    await page.getByRole("button", { name: "Decommission…" }).click();
    await page.getByRole("button", { name: `Decommission ${run}-db-1` }).click();
    await page.getByText(`${run}-db-1 is decommissioned.`).waitFor();
    expect(await facts.locator('[data-fact="status"] dd').textContent()).toBe("decommissioned");
    const id = decodeURIComponent(new URL(page.url()).hash.split("/").pop()!);
    expect((await fleet.request("GET", `${FLEET}/servers/${id}`)).body.status).toBe("decommissioned");
  });

  test("a viewer's key is told its role can't register, and signing out forgets the key", async () => {
    const viewer = await fleet.keyWithRole("viewer");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Fleetplane" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await signIn(viewer);
    await page.getByRole("heading", { name: "Fleet overview" }).waitFor();
    await page.goto(`${fleet.url}/#/servers/new`);
    await page.getByLabel("Name", { exact: true }).fill(`${run}-nope`);
    await page.getByLabel("Hostname").fill("nope.example.com");
    await page.getByLabel("Agent URL (api_url)").fill("https://nope.example.com");
    await page.getByLabel("Agent token (api_token)").fill("t");
    await page.getByRole("button", { name: "Register server" }).click();
    await expect
      .poll(() => page.locator(".form-status .notice").textContent(), { timeout: 10_000 })
      .toContain("Your key's role can't do this");
  });

  test("a key revoked mid-session sends the operator back to sign-in", async () => {
    const operator = await fleet.keyWithRole("operator");
    await signIn(operator);
    await page.getByRole("heading", { name: "Fleet overview" }).waitFor();
    const keys = (await fleet.request("GET", `${FLEET}/api-keys`)).body.items as { id: string; role: string }[];
    for (const key of keys.filter((k) => k.role === "operator")) await fleet.request("DELETE", `${FLEET}/api-keys/${key.id}`);
    await page.getByRole("link", { name: "Groups" }).click();
    await page.getByRole("heading", { name: "Sign in to Fleetplane" }).waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("401");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  test("the console made no request outside its origin and hit no script or CSP errors", () => {
    expect(watch.foreignRequests).toEqual([]);
    expect(watch.problems).toEqual([]);
  });
});
