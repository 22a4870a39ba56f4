// Design check, not a test: a local Fleetplane with a simulated fleet, and PNGs of the console's main views.
// Usage: node --import tsx test/console/screenshots.ts [output dir, default /tmp/fleetplane-console]
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startSimulator } from "@fleetplane/agent/simulator";
import { registerSimulatedFleet } from "../operations/support.js";
import { FLEET, startTestFleet } from "../support/fleet.js";
import { launchChromium } from "./browser.js";

const out = process.argv[2] ?? "/tmp/fleetplane-console";
mkdirSync(out, { recursive: true });

const fleet = await startTestFleet({ probeSchedule: false });
const simulator = await startSimulator({ count: 40, seed: 11 });
const browser = await launchChromium();
try {
  const ids = await registerSimulatedFleet(fleet, simulator);
  await fleet.request("POST", `${FLEET}/health-check/all`);
  await fleet.request("POST", `${FLEET}/groups`, {
    body: { name: "edge-web", description: "Public web tier", color: "#2f7de1", tags: ["web"] },
  });
  const op = await fleet.request("POST", `${FLEET}/operations`, {
    body: { operation_type: "restart_services", server_ids: ids.slice(0, 12), max_concurrency: 3, parameters: { services: ["api"] } },
  });

  const page = await browser.newPage({ viewport: { width: 1366, height: 1000 } });
  await page.goto(`${fleet.url}/#/sign-in`);
  await page.screenshot({ path: join(out, "sign-in.png") });
  await page.getByLabel("API key").fill(fleet.adminKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Fleet overview" }).waitFor();
  await page.screenshot({ path: join(out, "overview.png"), fullPage: true });
  await page.goto(`${fleet.url}/#/servers`);
  await page.locator("#server-table").waitFor();
  await page.screenshot({ path: join(out, "servers.png"), fullPage: true });
  await page.locator("#server-table tbody th a").first().click();
  await page.getByRole("heading", { name: "Recent health checks" }).waitFor();
  await page.screenshot({ path: join(out, "server-detail.png"), fullPage: true });
  await page.goto(`${fleet.url}/#/servers/new`);
  await page.getByLabel("Name", { exact: true }).fill("edge-7");
  await page.getByLabel("Hostname").fill("edge-7.example.com");
  await page.getByLabel("Agent token (api_token)").fill("secret");
  await page.getByLabel("Agent URL (api_url)").fill("ftp://nope");
  await page.getByRole("button", { name: "Register server" }).click();
  await page.locator('.field[data-field="api_url"] .field-error').waitFor();
  await page.screenshot({ path: join(out, "register.png"), fullPage: true });
  await page.goto(`${fleet.url}/#/operations/${op.body.id}`);
  await page.locator("#operation-targets").waitFor();
  await page.screenshot({ path: join(out, "operation.png"), fullPage: true });
  await page.goto(`${fleet.url}/#/operations`);
  await page.getByRole("heading", { name: "Operations" }).waitFor();
  await page.locator("progress").first().waitFor();
  await page.screenshot({ path: join(out, "operations.png"), fullPage: true });
  await page.goto(`${fleet.url}/#/groups`);
  await page.getByRole("link", { name: "edge-web" }).click();
  await page.getByRole("heading", { name: /^Servers \(/ }).waitFor();
  await page.screenshot({ path: join(out, "group.png"), fullPage: true });
  await page.goto(`${fleet.url}/#/operations/new`);
  await page.getByLabel("Operation", { exact: true }).selectOption("run_health_check");
  await page.getByLabel("Tags").fill("web");
  await page.getByRole("button", { name: "Preview targets (dry run)" }).click();
  await page.locator("#dry-run-targets").waitFor();
  await page.screenshot({ path: join(out, "operation-start.png"), fullPage: true });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await simulator.close();
  await fleet.close();
}
