// Fleet overview: the summary's figures as cards, counts by status/health/region/environment, and any figures
// a newer API adds (rendered generically, so the console keeps up without a release).
import { badge, toneOf } from "../ui/badges.js";
import { append, h, link } from "../ui/dom.js";
import { label, number, percent, when } from "../ui/format.js";
import { errorNotice, infoNotice } from "../ui/notice.js";

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

export async function render(root, ctx) {
  const summary = await ctx.api.get("/summary");
  const checkAll = h("button", { type: "button", class: "button" }, "Check all servers now");
  const actionStatus = h("div", { class: "form-status", "aria-live": "polite" });
  checkAll.addEventListener("click", async () => {
    checkAll.disabled = true;
    actionStatus.replaceChildren(infoNotice("Checking every active server…"));
    try {
      const run = await ctx.api.post("/health-check/all");
      actionStatus.replaceChildren(
        infoNotice(
          run.status === "completed"
            ? `Checked ${run.completed_servers} of ${run.total_servers} servers.`
            : `Started: ${run.total_servers} servers are being checked.`,
        ),
      );
      if (run.status === "completed") ctx.navigate("/overview");
    } catch (error) {
      actionStatus.replaceChildren(errorNotice(error));
    } finally {
      checkAll.disabled = false;
    }
  });

  append(root, [
    h(
      "div",
      { class: "page-head" },
      h("div", {}, h("h1", {}, "Fleet overview"), h("p", { class: "muted" }, `As of ${when(summary.generated_at)}`)),
      h("div", { class: "actions" }, checkAll),
    ),
    actionStatus,
    fleetStatus(summary),
    cards(summary),
    h(
      "div",
      { class: "grid counts" },
      COUNTS.map(([key, title, filter]) => countTable(summary[key], key, title, filter)),
    ),
    extraFigures(summary),
  ]);
}

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
    ),
  );
}

function card(title, value, figure, extra) {
  return h(
    "div",
    { class: "card figure", dataset: { figure } },
    h("span", { class: "figure-label" }, title),
    h("span", { class: "figure-value" }, value),
    extra ?? null,
  );
}

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
    card("Healthy", number(byHealth.healthy ?? 0), "healthy"),
    card("Degraded", number(byHealth.degraded ?? 0), "degraded"),
    card("Critical or unreachable", number((byHealth.critical ?? 0) + (byHealth.unreachable ?? 0)), "down"),
  ];
  if (summary.open_alerts) list.push(card("Open alerts", number(summary.open_alerts.total), "open_alerts"));
  if (summary.stale_servers)
    list.push(
      card(
        "Stale servers",
        number(summary.stale_servers.count),
        "stale_servers",
        h("span", { class: "figure-note" }, "no successful check in 3 intervals"),
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

/** Summary fields this console does not know yet: numbers and flat maps of numbers, shown as they come. */
function extraFigures(summary) {
  const rows = [];
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
        rows.push([label(key), key === "as_of" ? when(value) : typeof value === "number" ? number(value, 4) : String(value ?? "—")]);
  if (summary.open_alerts?.by_rule)
    for (const [rule, n] of Object.entries(summary.open_alerts.by_rule)) rows.push([`open alerts · ${label(rule)}`, number(n)]);
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
