// Browser-test harness: Debian's Chromium driven by playwright-core, and a watch on what the console does
// (console errors, CSP violations, requests leaving the console's own origin).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

const ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches Chromium; fails (never skips) with the fix when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the console's browser tests need Debian's chromium package (apt-get install -y chromium; .ci/run installs it).`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface PageWatch {
  /** console.error messages, uncaught exceptions and CSP reports, in order. */
  problems: string[];
  /** Requests to any origin other than the console's. */
  foreignRequests: string[];
}

/** Records the page's problems and every request that leaves `origin`. */
export function watchPage(page: Page, origin: string): PageWatch {
  const watch: PageWatch = { problems: [], foreignRequests: [] };
  page.on("console", (message) => {
    // A failed API call (401/403/400) is logged by Chromium as a resource error; those are expected and asserted on the page.
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) watch.problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => watch.problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith("data:")) watch.foreignRequests.push(url);
  });
  return watch;
}

/** Installs a listener that turns CSP violations into console errors, so `watchPage` sees them. */
export async function reportCspViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    );
  });
}

/**
 * A page in a new context, watched (`watchPage`, CSP violations included) and signed in to the console at
 * `url` with `key`: it returns once the overview's heading is drawn.
 */
export async function signedInPage(
  browser: Browser,
  url: string,
  key: string,
  viewport = { width: 1366, height: 900 },
): Promise<{ page: Page; watch: PageWatch }> {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.setDefaultTimeout(10_000);
  await reportCspViolations(page);
  const watch = watchPage(page, url);
  await page.goto(`${url}/#/sign-in`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Fleet overview" }).waitFor();
  return { page, watch };
}

/** Where the browser tests leave their screenshots (not committed; docs/console/ holds the ones the docs show). */
export const SCREENSHOTS = join(import.meta.dirname, "..", "..", ".test-data", "console-screenshots");

/** Saves a full-page PNG of what the test sees, named after the step. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
