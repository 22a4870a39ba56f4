// Alerts: open ones (server, rule, severity, since when) and recently resolved ones, filtered by severity and
// kept in the address; and the stale servers (no successful check lately). Refreshes itself.
import { readSummary } from "../api.js";
import { badge } from "../ui/badges.js";
import { append, h, link, replace, segment } from "../ui/dom.js";
import { label, when } from "../ui/format.js";
import { watchFleet } from "../ui/live.js";
import { errorNotice, isUnavailable } from "../ui/notice.js";
import { cell, dataTable, pager } from "../ui/table.js";

/** @import { Alert, ListedServer, ViewContext } from "../api-types.js" */

/** @type {("warning" | "critical")[]} */
const SEVERITIES = ["warning", "critical"];
/** @type {["open" | "resolved" | "stale", string][]} */
const VIEWS = [
  ["open", "Open"],
  ["resolved", "Recently resolved"],
  ["stale", "Stale servers"],
];

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, ctx) {
  const view = VIEWS.find(([v]) => v === ctx.query.get("view"))?.[0] ?? "open";
  const severity = SEVERITIES.find((s) => s === ctx.query.get("severity"));
  const updated = h("p", { class: "muted updated", id: "last-update" });
  const results = h("section", { class: "card flush", "aria-labelledby": "alerts-results", "aria-busy": "true" });
  const tabs = h(
    "nav",
    { class: "tabs", "aria-label": "Alert views" },
    VIEWS.map(([v, title]) => h("a", { href: `#/alerts?view=${v}`, "aria-current": v === view ? "page" : undefined }, title)),
  );
  const severitySelect = h(
    "select",
    { id: "alert-severity", name: "severity" },
    h("option", { value: "" }, "any"),
    SEVERITIES.map((s) => h("option", { value: s, selected: s === severity }, s)),
  );
  severitySelect.addEventListener("change", () =>
    ctx.navigate(`/alerts?${new URLSearchParams({ view, ...(severitySelect.value ? { severity: severitySelect.value } : {}) })}`),
  );
  append(root, [
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Alerts"), updated)),
    tabs,
    view === "stale"
      ? null
      : h(
          "div",
          { class: "filters card" },
          h("div", { class: "field inline" }, h("label", { for: "alert-severity" }, "Severity"), severitySelect),
        ),
    results,
  ]);

  /** @type {(string | undefined)[]} */
  const cursors = [undefined];
  let page = 0;
  // Loads can overlap (a live refresh and a click): only the latest one draws.
  let latest = 0;
  const load = async () => {
    const mine = ++latest;
    results.setAttribute("aria-busy", "true");
    try {
      const content =
        view === "stale" ? await staleServers(ctx) : await alertPage(ctx, view, severity, cursors, page, (d) => ((page += d), load()));
      if (ctx.signal.aborted || mine !== latest) return;
      replace(results, h("h2", { id: "alerts-results", class: "visually-hidden" }, "Alerts"), content);
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      replace(results, isUnavailable(error) ? h("p", { class: "empty" }, "Alerts are not available on this API yet.") : errorNotice(error));
    } finally {
      results.setAttribute("aria-busy", "false");
    }
  };
  await load();
  // Also once a minute: a safety net for an event the feed did not show (a browser clock far ahead of the API's).
  watchFleet(ctx, load, { maxAgeMs: 60_000 });
}

/**
 * @param {ViewContext} ctx
 * @param {"open" | "resolved"} state
 * @param {"warning" | "critical" | undefined} severity
 * @param {(string | undefined)[]} cursors
 * @param {number} page
 * @param {(delta: number) => void} go
 */
async function alertPage(ctx, state, severity, cursors, page, go) {
  const body = await ctx.api.get("/alerts", { query: { state, severity, limit: 50, cursor: cursors[page] } });
  cursors[page + 1] = body.next_cursor ?? undefined;
  if (!body.items.length) return h("p", { class: "empty" }, state === "open" ? "No open alerts." : "No alerts resolved recently.");
  return [
    dataTable(
      ["Server", "Rule", "Severity", state === "open" ? "Since" : "Resolved", "Details"],
      body.items,
      (a) => [
        link(`/servers/${segment(a.server_id)}`, a.server_name),
        label(a.rule),
        h("span", { class: `badge tone-${a.severity === "critical" ? "bad" : "warn"}` }, a.severity),
        state === "open" ? cell({ title: a.raised_at }, when(a.raised_at)) : cell({ title: a.resolved_at ?? "" }, when(a.resolved_at)),
        cell({ class: "wrap" }, details(a.details)),
      ],
      { id: "alert-table", compact: true, rowData: (a) => ({ alertId: a.id }) },
    ),
    pager(page, body.next_cursor, go),
  ];
}

/** @param {Alert["details"]} d */
function details(d) {
  if (!d) return "—";
  if (typeof d.value === "number") return `${Math.round(d.value * 10) / 10} (threshold ${d.threshold})`;
  if (d.health_status) return `health ${d.health_status}`;
  if (typeof d.unreachable_since === "string") return `unreachable since ${when(d.unreachable_since)}`;
  if (typeof d.failed_services === "number") return `${d.failed_services} failed service(s)`;
  return "—";
}

/** @param {ViewContext} ctx */
async function staleServers(ctx) {
  const summary = await readSummary(ctx.api);
  const stale = summary.stale_servers;
  if (!stale?.count) return h("p", { class: "empty" }, "No stale servers: every active server answered within three check intervals.");
  /** @type {(Partial<ListedServer> & { id: string, name: string })[]} */
  const servers = await Promise.all(
    stale.server_ids.map((id) => ctx.api.get("/servers/{id}", { path: { id } }).catch(() => ({ id, name: id }))),
  );
  return [
    h(
      "p",
      { class: "pad muted" },
      `${stale.count} stale server(s)${stale.count > servers.length ? `, the first ${servers.length} listed` : ""}.`,
    ),
    dataTable(
      ["Server", "Health", "Region", "Environment", "Last seen"],
      servers,
      (s) => [
        link(`/servers/${segment(s.id)}`, s.name),
        badge(s.health_status),
        s.region ?? "—",
        s.environment ?? "—",
        cell({ title: s.last_seen_at ?? "" }, when(s.last_seen_at)),
      ],
      { id: "stale-table", compact: true },
    ),
  ];
}
