// Benchmark: the web console in Chromium against `npm start -- --demo N` (N simulated servers registered,
// probed and reporting metrics). Each case is timed 5 times cold (a new browser context: empty cache) and 5
// times warm (loaded again in the same context: cached assets), from navigation to the view's data on screen.
// Run with `npm run bench -- console` (FLEETPLANE_BENCH_CONSOLE_SERVERS sets N, default 10,000);
// writes bench/results/console.json.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../test/console/browser.js";
import { round } from "./stats.js";

const ADMIN_KEY = "bench-console-admin-key-0123456789";
const RUNS = 5;
const TARGETS_MS = { overview: 1000, inventory_first_rows: 1000, filter_change: 300, page_change: 300, server_detail_with_charts: 1000 };

interface Case {
  name: string;
  /** Where the page starts (a reload of this route is the warm load). */
  route: (fleet: Fleet) => string;
  /** Optional steps before the timed part (on the loaded page), and the timed part itself. */
  prepare?: (page: Page) => Promise<void>;
  act?: (page: Page) => Promise<void>;
  ready: (page: Page) => Promise<unknown>;
}

interface Fleet {
  url: string;
  serverId: string;
  region: string;
}

const CASES: Case[] = [
  {
    name: "overview",
    route: () => "/#/overview",
    ready: (page) => page.locator("#health-distribution").waitFor(),
  },
  {
    name: "inventory_first_rows",
    route: () => "/#/servers",
    ready: (page) => page.locator("#server-table tbody tr").first().waitFor(),
  },
  {
    name: "filter_change",
    route: () => "/#/servers",
    // The table on screen is marked, so the timed part ends on the filtered table, not on this one.
    prepare: async (page) => {
      await page.locator("#server-table tbody tr").first().waitFor();
      await page.evaluate(() => document.querySelector("#server-table")?.setAttribute("data-before", ""));
    },
    act: async (page) => {
      const region = await page.locator("#filter-region option").nth(1).getAttribute("value");
      await page.locator("#filter-region").selectOption(region!);
      await page.getByRole("button", { name: "Apply" }).click();
    },
    ready: (page) =>
      page.waitForFunction(() => {
        const table = document.querySelector("#server-table");
        return location.hash.includes("region=") && !!table && !table.hasAttribute("data-before") && !!table.querySelector("tbody tr");
      }),
  },
  {
    name: "page_change",
    route: () => "/#/servers",
    prepare: async (page) => void (await page.locator("#server-table tbody tr").first().waitFor()),
    act: (page) => page.getByRole("button", { name: "Next →" }).click(),
    ready: (page) => page.getByText(/^Page 2 ·/).waitFor(),
  },
  {
    name: "server_detail_with_charts",
    route: (fleet) => `/#/servers/${fleet.serverId}`,
    ready: (page) => page.locator("#chart-resources canvas").waitFor(),
  },
  {
    name: "dry_run_all_targets",
    route: () => "/#/operations/new?match=filter",
    prepare: async (page) => {
      await page.getByLabel("Operation", { exact: true }).selectOption("run_health_check");
    },
    act: (page) => page.getByRole("button", { name: "Review targets" }).click(),
    // The review's table, or the form's error: a refused dry run fails the case with the API's reason, not a timeout.
    ready: async (page) => {
      await page.locator("#dry-run-targets, form .form-status .notice").first().waitFor({ timeout: 60_000 });
      if ((await page.locator("#dry-run-targets").count()) === 0)
        throw new Error(`the review failed: ${await page.locator("form .form-status").textContent()}`);
    },
  },
];

export async function runConsoleBench(options: { servers?: number; write?: boolean } = {}) {
  const servers = options.servers ?? Number(process.env.FLEETPLANE_BENCH_CONSOLE_SERVERS ?? 10_000);
  const setupStarted = performance.now();
  const { child, url } = await startDemo(servers);
  let browser: Browser | undefined;
  try {
    const api = `${url}/api/v1/fleet`;
    const headers = { authorization: `Bearer ${ADMIN_KEY}` };
    // Ready when (nearly) every server has been probed and reported a minute of metrics.
    const deadline = Date.now() + 15 * 60_000;
    let reporting = 0;
    while (Date.now() < deadline) {
      const summary = (await (await fetch(`${api}/summary`, { headers })).json()) as { metrics?: { servers_reporting?: number } };
      reporting = summary.metrics?.servers_reporting ?? 0;
      if (reporting >= servers * 0.9) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    const list = (await (await fetch(`${api}/servers?limit=1`, { headers })).json()) as { items: Array<{ id: string; region: string }> };
    const fleet: Fleet = { url, serverId: list.items[0]!.id, region: list.items[0]!.region };
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const dryRunApi = await dryRunOverApi(api, headers);
    console.log(`console: dry run over the API: ${dryRunApi.servers} targets, ${dryRunApi.bytes} bytes in ${dryRunApi.ms} ms`);

    browser = await launchChromium();
    const results: Record<string, { cold_ms: number; warm_ms: number; cold_runs: number[]; warm_runs: number[] }> = {};
    const failures: Record<string, string> = {};
    for (const c of CASES) {
      const cold: number[] = [];
      const warm: number[] = [];
      try {
        for (let i = 0; i < RUNS; i++) {
          const context = await signedInContext(browser, url);
          const page = await context.newPage();
          page.setDefaultTimeout(30_000);
          cold.push(await timeCase(page, c, fleet, "goto"));
          await context.close();
        }
        const context = await signedInContext(browser, url);
        const page = await context.newPage();
        page.setDefaultTimeout(30_000);
        await timeCase(page, c, fleet, "goto");
        for (let i = 0; i < RUNS; i++) warm.push(await timeCase(page, c, fleet, "reload"));
        await context.close();
        results[c.name] = {
          cold_ms: median(cold),
          warm_ms: median(warm),
          cold_runs: cold.map((n) => round(n, 0)),
          warm_runs: warm.map((n) => round(n, 0)),
        };
        console.log(`console: ${c.name} cold ${results[c.name]!.cold_ms} ms, warm ${results[c.name]!.warm_ms} ms`);
      } catch (error) {
        // One case failing (a timeout on a loaded machine) is reported with the others, not instead of them.
        failures[c.name] = (error as Error).message.split("\n")[0]!;
        console.log(`console: ${c.name} failed: ${failures[c.name]}`);
      }
    }
    const met = Object.fromEntries(
      Object.entries(TARGETS_MS).map(([name, target]) => [name, { target_ms: target, met: (results[name]?.cold_ms ?? Infinity) < target }]),
    );
    const out = {
      name: "console",
      date: new Date().toISOString(),
      node: process.version,
      results: {
        servers,
        servers_reporting_metrics: reporting,
        setup_seconds: round(setupSeconds, 1),
        dry_run_api: dryRunApi,
        cases_ms: results,
        targets: met,
        failures,
        method:
          "npm start --in-memory --demo N in its own process; Chromium (Debian, headless) via playwright-core, 1366×900; cold = new browser context (empty cache) per run, warm = the same route loaded again in one context (from about:blank, assets cached); median of 5 each; timed from navigation (or the click, for filter/page change and dry run) to the view's data on screen.",
      },
    };
    if (options.write !== false)
      writeFileSync(fileURLToPath(new URL("./results/console.json", import.meta.url)), `${JSON.stringify(out, null, 2)}\n`);
    return out;
  } finally {
    await browser?.close();
    child.kill("SIGTERM");
    await once(child, "exit").catch(() => undefined);
  }
}

async function signedInContext(browser: Browser, url: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  await context.addInitScript(
    ([baseUrl, key]) => sessionStorage.setItem("fleetplane.session", JSON.stringify({ baseUrl, key, role: "admin" })),
    [url, ADMIN_KEY] as const,
  );
  return context;
}

async function timeCase(page: Page, c: Case, fleet: Fleet, load: "goto" | "reload"): Promise<number> {
  if (load === "reload") await page.goto("about:blank");
  const started = performance.now();
  await page.goto(`${fleet.url}${c.route(fleet)}`);
  if (!c.act) {
    await c.ready(page);
    return performance.now() - started;
  }
  await c.prepare?.(page);
  const acted = performance.now();
  await c.act(page);
  await c.ready(page);
  return performance.now() - acted;
}

/** The dry run the console's review makes (every active server, no filter), timed and sized without a browser. */
async function dryRunOverApi(api: string, headers: Record<string, string>): Promise<{ ms: number; bytes: number; servers: number }> {
  const started = performance.now();
  const response = await fetch(`${api}/operations`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ operation_type: "run_health_check", filter_criteria: {}, dry_run: true }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`the dry run answered ${response.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { total_servers: number };
  return { ms: round(performance.now() - started, 0), bytes: Buffer.byteLength(text), servers: body.total_servers };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.floor(sorted.length / 2)] ?? 0, 0);
}

async function startDemo(servers: number): Promise<{ child: ChildProcess; url: string }> {
  const main = fileURLToPath(new URL("../packages/local/src/main.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", main, "--port", "0", "--in-memory", "--demo", String(servers), "--admin-key", ADMIN_KEY],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } },
  );
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo fleet did not start in 10 min:\n${output}`)), 600_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const found = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`the demo fleet exited with ${code}:\n${output}`)));
  });
  child.stdout!.resume();
  return { child, url };
}
