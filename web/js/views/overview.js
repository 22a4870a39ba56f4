// Fleet overview: the summary's figures as cards, counts by status/health/region/environment, and any figures
// a newer API adds (rendered generically, so the console keeps up without a release).
import { badge, toneOf } from "../ui/badges.js";
import { timeChart } from "../ui/chart.js";
import { append, h, link, replace, segment } from "../ui/dom.js";
import { watchFleet } from "../ui/live.js";
import { label, number, percent, when } from "../ui/format.js";
import { errorNotice, infoNotice, isUnavailable } from "../ui/notice.js";
import { readSummary } from "../api.js";

/** @import { FleetSummary, ViewContext } from "../api-types.js" */
/** @import { Child } from "../ui/dom-types.js" */

/** @type {["by_status" | "by_health" | "by_region" | "by_environment", string, string][]} */
const COUNTS = [
  ["by_status", "By status", "status"],
  ["by_health", "By health", "health_status"],
  ["by_region", "By region", "region"],
  ["by_environment", "By environment", "environment"],
];
const HEALTH_ORDER = ["healthy", "degraded", "critical", "unreachable", "unknown"];
const KNOWN = new Set([
  "total_servers",
  "by_status",
  "by_health",
  "by_region",
  "by_environment",
  "generated_at",
  "health_counts",
  "metrics",
  "stale_servers",
  "open_alerts",
  "status",
  "suggested_action",
]);

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, ctx) {
  const checkAll = h("button", { type: "button", class: "button" }, "Check all servers now");
  const actionStatus = h("div", { class: "form-status", "aria-live": "polite", id: "check-all-status" });
  checkAll.addEventListener("click", async () => {
    checkAll.disabled = true;
    actionStatus.replaceChildren(infoNotice("Checking every active server…"));
    try {
      let run = await ctx.api.post("/health-check/all");
      // A large fleet is checked in the background: follow its progress to the end.
      while (run.status !== "completed" && !ctx.signal.aborted) {
        actionStatus.replaceChildren(
          infoNotice(
            `Checking: ${number(run.completed_servers)} of ${number(run.total_servers)} servers (${number(run.progress_percent)} %)…`,
          ),
          h("progress", { max: run.total_servers || 1, value: run.completed_servers, "aria-label": "Check progress" }),
        );
        await new Promise((resolve) => setTimeout(resolve, 1000));
        run = await ctx.api.get("/health-check/all/{id}", { path: { id: String(run.id) } });
      }
      actionStatus.replaceChildren(infoNotice(`Checked ${number(run.completed_servers)} of ${number(run.total_servers)} servers.`));
      await refresh();
    } catch (error) {
      actionStatus.replaceChildren(errorNotice(error));
    } finally {
      checkAll.disabled = false;
    }
  });

  const asOf = h("p", { class: "muted", id: "last-update" });
  const content = h("div", { class: "overview" });
  const fleetChart = h("section", { class: "card", "aria-labelledby": "fleet-metrics-title", id: "fleet-metrics" });
  append(root, [
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Fleet overview"), asOf), h("div", { class: "actions" }, checkAll)),
    actionStatus,
    content,
    fleetChart,
  ]);
  const refresh = async () => {
    const summary = await readSummary(ctx.api);
    if (ctx.signal.aborted) return;
    replace(
      content,
      fleetStatus(summary),
      cards(summary),
      healthDistribution(summary.by_health ?? {}),
      h(
        "div",
        { class: "grid counts" },
        COUNTS.map(([key, title, filter]) => countTable(summary[key], key, title, filter)),
      ),
      extraFigures(summary),
    );
    asOf.textContent = `As of ${when(summary.generated_at)} · updated ${new Date().toLocaleTimeString()}`;
  };
  await refresh();
  loadFleetChart(ctx, fleetChart).catch(() => {});
  // Metrics move every minute without an event: the figures are re-read at least that often.
  watchFleet(ctx, refresh, { maxAgeMs: 60_000 });
}

/**
 * Fleet-wide CPU and memory over the last 24 hours, in 5-minute buckets.
 * @param {ViewContext} ctx
 * @param {HTMLElement} el
 */
async function loadFleetChart(ctx, el) {
  const from = new Date(Date.now() - 86_400_000).toISOString();
  let body;
  try {
    body = await ctx.api.get("/metrics/aggregated", { query: { period: "5m", from, limit: 300 } });
  } catch (error) {
    if (isUnavailable(error)) return;
    throw error;
  }
  if (ctx.signal.aborted) return;
  replace(
    el,
    h("h2", { id: "fleet-metrics-title" }, "Fleet CPU and memory, last 24 h"),
    timeChart({
      id: "chart-fleet",
      title: "Average over the servers reporting",
      points: body.points ?? [],
      series: [
        ["cpu_percent_avg", "CPU"],
        ["memory_percent_avg", "Memory"],
      ],
    }),
  );
}

/**
 * The health distribution as one stacked bar; each part links to the servers with that health.
 * @param {Record<string, number>} byHealth
 */
function healthDistribution(byHealth) {
  const total = Object.values(byHealth).reduce((a, b) => a + b, 0);
  if (!total) return null;
  const bar = h("div", { class: "distribution", id: "health-distribution", role: "list", "aria-label": "Health distribution" });
  for (const status of HEALTH_ORDER) {
    const n = byHealth[status] ?? 0;
    if (!n) continue;
    const part = h(
      "a",
      {
        href: `#/servers?health_status=${status}`,
        class: `tone-${toneOf(status)}`,
        role: "listitem",
        title: `${status}: ${n} of ${total}`,
        dataset: { health: status },
      },
      n / total > 0.06 ? `${label(status)} ${number(n)}` : "",
    );
    part.style.flexGrow = String(n);
    bar.append(part);
  }
  return h(
    "section",
    { class: "card", "aria-labelledby": "distribution-title" },
    h("h2", { id: "distribution-title" }, "Health distribution"),
    bar,
  );
}

/** @param {FleetSummary} summary */
function fleetStatus(summary) {
  if (!summary.status) return null;
  return h(
    "section",
    { class: `fleet-status tone-${toneOf(summary.status)}`, "aria-label": "Fleet status", dataset: { figure: "status" } },
    h("span", { class: "status-light", "aria-hidden": "true" }),
    h(
      "div",
      {},
      h("strong", {}, `Fleet status: ${summary.status.toUpperCase()}`),
      summary.suggested_action ? h("p", {}, summary.suggested_action) : null,
      summary.status !== "green" ? h("p", {}, nextStep(summary)) : null,
    ),
  );
}

/**
 * The suggested action as a place to go in the console.
 * @param {FleetSummary} summary
 */
function nextStep(summary) {
  const h_ = summary.by_health ?? {};
  if (summary.open_alerts?.total) return link("/alerts", "Open the alerts");
  if ((h_.critical ?? 0) + (h_.unreachable ?? 0))
    return link(`/servers?health_status=${h_.critical ? "critical" : "unreachable"}`, "Show the servers down");
  if (h_.degraded) return link("/servers?health_status=degraded", "Show the degraded servers");
  if (summary.stale_servers?.count) return link("/alerts?view=stale", "Show the stale servers");
  return link("/servers", "Show the servers");
}

/**
 * Summary figure names as an operator reads them, with their units.
 * @type {Record<string, string>}
 */
const FIGURE_LABELS = {
  as_of: "Metrics as of",
  llm_requests_per_minute: "LLM requests per minute",
  llm_cost_usd_per_minute: "LLM cost per minute (USD)",
  active_users: "Active users (latest minute)",
  total_users: "Total users",
};

/**
 * @param {string} title
 * @param {string} value
 * @param {string} figure
 * @param {Child} [extra]
 * @param {string} [route]
 */
function card(title, value, figure, extra, route) {
  return h(
    route ? "a" : "div",
    { class: "card figure", dataset: { figure }, href: route ? `#${route}` : undefined },
    h("span", { class: "figure-label" }, title),
    h("span", { class: "figure-value" }, value),
    extra ?? null,
  );
}

/** @param {FleetSummary} summary */
function cards(summary) {
  const byHealth = summary.by_health ?? {};
  const metrics = summary.metrics;
  const list = [
    card(
      "Servers",
      number(summary.total_servers),
      "total_servers",
      h("span", { class: "figure-note" }, `${number(summary.by_status?.active ?? 0)} active`),
    ),
    card("Healthy", number(byHealth.healthy ?? 0), "healthy", null, "/servers?health_status=healthy"),
    card("Degraded", number(byHealth.degraded ?? 0), "degraded", null, "/servers?health_status=degraded"),
    card("Critical or unreachable", number((byHealth.critical ?? 0) + (byHealth.unreachable ?? 0)), "down", null, "/alerts"),
  ];
  if (summary.open_alerts) list.push(card("Open alerts", number(summary.open_alerts.total), "open_alerts", null, "/alerts"));
  if (summary.stale_servers)
    list.push(
      card(
        "Stale servers",
        number(summary.stale_servers.count),
        "stale_servers",
        h("span", { class: "figure-note" }, "no successful check in 3 intervals"),
        "/alerts?view=stale",
      ),
    );
  if (metrics) {
    list.push(
      card(
        "Avg CPU",
        percent(metrics.avg_cpu_percent),
        "avg_cpu_percent",
        h("span", { class: "figure-note" }, `${number(metrics.servers_reporting)} reporting`),
      ),
      card("Avg memory", percent(metrics.avg_memory_percent), "avg_memory_percent"),
      card("Avg disk", percent(metrics.avg_disk_percent), "avg_disk_percent"),
    );
    if (metrics.failed_services !== undefined) list.push(card("Failed services", number(metrics.failed_services), "failed_services"));
  }
  return h("section", { class: "grid figures", "aria-label": "Key figures" }, list);
}

/**
 * @param {Record<string, number> | undefined} counts
 * @param {string} key
 * @param {string} title
 * @param {string} filter
 */
function countTable(counts, key, title, filter) {
  const entries = Object.entries(counts ?? {});
  if (key === "by_health") entries.sort(([a], [b]) => HEALTH_ORDER.indexOf(a) - HEALTH_ORDER.indexOf(b));
  else entries.sort(([, a], [, b]) => b - a);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return h(
    "section",
    { class: "card", "aria-labelledby": `${key}-title` },
    h("h2", { id: `${key}-title` }, title),
    entries.length === 0
      ? h("p", { class: "muted" }, "No servers yet.")
      : h(
          "table",
          { class: "table compact" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, label(filter)),
              h("th", { scope: "col", class: "num" }, "Servers"),
              h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Share")),
            ),
          ),
          h(
            "tbody",
            {},
            entries.map(([name, n]) =>
              h(
                "tr",
                { dataset: { count: `${key}:${name}` } },
                h(
                  "th",
                  { scope: "row" },
                  link(
                    `/servers?${new URLSearchParams({ [filter]: name })}`,
                    key === "by_status" || key === "by_health" ? badge(name) : name,
                  ),
                ),
                h("td", { class: "num" }, number(n)),
                h(
                  "td",
                  { class: "share" },
                  h("meter", {
                    min: 0,
                    max: total || 1,
                    value: n,
                    class: `tone-${key === "by_health" || key === "by_status" ? toneOf(name) : "info"}`,
                    "aria-label": `${name}: ${n} of ${total}`,
                  }),
                ),
              ),
            ),
          ),
        ),
  );
}

/**
 * Summary fields this console does not know yet: numbers and flat maps of numbers, shown as they come.
 * @param {FleetSummary} summary
 */
function extraFigures(summary) {
  /** @type {[string, string][]} */
  const rows = [];
  /** @type {(prefix: string, value: unknown) => void} */
  const addRows = (prefix, value) => {
    if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") rows.push([prefix, String(value)]);
    else if (value && typeof value === "object" && !Array.isArray(value))
      for (const [k, v] of Object.entries(value))
        if (typeof v !== "object" || v === null) rows.push([`${prefix} · ${k}`, v === null ? "—" : String(v)]);
  };
  for (const [key, value] of Object.entries(summary)) if (!KNOWN.has(key)) addRows(label(key), value);
  if (summary.metrics)
    for (const [key, value] of Object.entries(summary.metrics))
      if (!/^avg_|^servers_reporting$|^failed_services$/.test(key))
        rows.push([
          FIGURE_LABELS[key] ?? label(key),
          key === "as_of"
            ? when(typeof value === "string" ? value : null)
            : typeof value === "number"
              ? number(value, key.includes("usd") ? 4 : 0)
              : String(value ?? "—"),
        ]);
  if (summary.open_alerts?.by_rule)
    for (const [rule, n] of Object.entries(summary.open_alerts.by_rule)) rows.push([`Open alerts: ${label(rule)}`, number(n)]);
  if (rows.length === 0) return null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "more-title" },
    h("h2", { id: "more-title" }, "More figures"),
    h(
      "table",
      { class: "table compact" },
      h(
        "tbody",
        {},
        rows.map(([name, value]) => h("tr", {}, h("th", { scope: "row" }, name), h("td", { class: "num" }, value))),
      ),
    ),
  );
}
