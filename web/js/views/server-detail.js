// One server: its record, latest health, latest metrics, recent health checks, and check now / decommission.
import { ApiError } from "../api.js";
import { badge } from "../ui/badges.js";
import { h, link, replace, segment } from "../ui/dom.js";
import { bytes, duration, number, percent, text, when } from "../ui/format.js";
import { errorNotice, infoNotice, isUnavailable } from "../ui/notice.js";
import { cell, dataTable } from "../ui/table.js";
import { healthStrip, RANGES, rangeSwitch, timeChart } from "../ui/chart.js";

/** @import { HealthCheck, MetricsPoint, Server, ViewContext } from "../api-types.js" */
/** @import { Child } from "../ui/dom-types.js" */

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, ctx) {
  const id = ctx.params[0] ?? "";
  // The record, health, charts and checks are asked for together; the page fills in as they arrive.
  const reading = ctx.api.get("/servers/{id}", { path: { id } });
  /** @type {Server} */
  let server;

  const actionStatus = h("div", { class: "form-status", "aria-live": "polite" });
  const healthSection = h("section", { class: "card", "aria-labelledby": "health-title" });
  const metricsSection = h("section", { class: "card", "aria-labelledby": "metrics-title" });
  const historySection = h("section", { class: "card", "aria-labelledby": "history-title" });
  const recordSection = h("section", { class: "card", "aria-labelledby": "record-title" });
  const title = h("h1", {}, "Server");
  const hostname = h("p", { class: "muted" });
  const head = h(
    "div",
    { class: "page-head" },
    h("div", {}, h("p", { class: "crumbs" }, link("/servers", "Servers"), " / "), title, hostname),
    h("div", { class: "actions" }),
  );

  /** @param {Server} s */
  const refreshRecord = (s) => {
    server = s;
    replace(recordSection, h("h2", { id: "record-title" }, "Server"), record(s));
    replace(/** @type {HTMLElement} */ (head.querySelector(".actions")), actions());
  };
  const refreshHealth = () =>
    Promise.all([loadHealth(ctx, id, healthSection), loadMetrics(ctx, id, metricsSection), loadHistory(ctx, id, historySection)]);

  const actions = () => {
    const check = h("button", { type: "button", class: "button" }, "Check now");
    check.addEventListener("click", async () => {
      check.disabled = true;
      actionStatus.replaceChildren(infoNotice("Checking…"));
      try {
        const result = await ctx.api.post("/servers/{id}/check", undefined, { path: { id } });
        actionStatus.replaceChildren(
          infoNotice(`Checked: ${result.health_status ?? result.status}${result.error_message ? ` (${result.error_message})` : ""}.`),
        );
        refreshRecord(await ctx.api.get("/servers/{id}", { path: { id } }));
        await refreshHealth();
      } catch (error) {
        actionStatus.replaceChildren(errorNotice(error));
      } finally {
        check.disabled = false;
      }
    });
    if (server.status === "decommissioned") return [check];
    const decommission = h("button", { type: "button", class: "button danger" }, "Decommission…");
    decommission.addEventListener("click", () => {
      const confirm = h("button", { type: "button", class: "button danger" }, `Decommission ${server.name}`);
      const cancel = h("button", { type: "button", class: "button subtle" }, "Keep it");
      const box = h(
        "div",
        { class: "notice confirm", role: "alertdialog", "aria-label": "Confirm decommission" },
        h("p", {}, `Decommission ${server.name}? It stops being probed and leaves the active fleet; its history is kept.`),
        h("div", { class: "actions" }, confirm, cancel),
      );
      cancel.addEventListener("click", () => {
        box.remove();
        decommission.focus();
      });
      confirm.addEventListener("click", async () => {
        confirm.disabled = true;
        try {
          refreshRecord(/** @type {Server} */ (await ctx.api.delete("/servers/{id}", { path: { id } })));
          actionStatus.replaceChildren(infoNotice(`${server.name} is decommissioned.`));
        } catch (error) {
          actionStatus.replaceChildren(errorNotice(error));
        }
      });
      actionStatus.replaceChildren(box);
      confirm.focus();
    });
    return [check, decommission];
  };

  root.append(head, actionStatus, h("div", { class: "grid two" }, recordSection, healthSection), metricsSection, historySection);
  const health = refreshHealth();
  try {
    server = await reading;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      replace(root, h("h1", {}, "Server not found"), h("p", {}, "It may have been purged. ", link("/servers", "Back to servers")));
      return;
    }
    throw error;
  }
  title.textContent = server.name;
  hostname.textContent = server.hostname;
  if (ctx.query.get("registered"))
    actionStatus.append(infoNotice(`${server.name} is registered. Its health is unknown until the first check.`));
  refreshRecord(server);
  await health;
  // Auto-refresh while the page is open: health, charts and checks once a minute (a new point per minute at most).
  const timer = setInterval(() => refreshHealth().catch(() => {}), AUTO_REFRESH_MS);
  ctx.signal.addEventListener("abort", () => clearInterval(timer));
}

const AUTO_REFRESH_MS = 60_000;

/** @param {Server} s */
function record(s) {
  /** @type {[string, Child][]} */
  const rows = [
    ["Status", badge(s.status)],
    ["Health", badge(s.health_status)],
    ["Agent URL", h("code", {}, s.api_url)],
    ["Region", text(s.region)],
    ["Environment", text(s.environment)],
    ["Version", text(s.version)],
    ["Tags", s.tags.length ? s.tags.map((t) => h("span", { class: "tag" }, t)) : "—"],
    ["Description", text(s.description)],
    ["Last seen", h("span", { title: s.last_seen_at ?? "" }, when(s.last_seen_at))],
    ["Response time", duration(s.response_time_ms)],
    ["Registered", h("span", { title: s.created_at }, when(s.created_at))],
    ["ID", h("code", {}, s.id)],
  ];
  if (Object.keys(s.metadata ?? {}).length) rows.push(["Metadata", h("code", { class: "block" }, JSON.stringify(s.metadata, null, 2))]);
  return h(
    "dl",
    { class: "facts", id: "server-facts" },
    rows.map(([k, v]) => h("div", { dataset: { fact: k.toLowerCase() } }, h("dt", {}, k), h("dd", {}, v))),
  );
}

/**
 * @param {HTMLElement} el
 * @param {string} titleId
 * @param {string} title
 * @param {() => Promise<Child>} load
 */
async function section(el, titleId, title, load) {
  el.setAttribute("aria-busy", "true");
  try {
    replace(el, h("h2", { id: titleId }, title), await load());
  } catch (error) {
    replace(
      el,
      h("h2", { id: titleId }, title),
      isUnavailable(error) ? h("p", { class: "muted" }, "Not available on this API yet.") : errorNotice(error),
    );
  } finally {
    el.setAttribute("aria-busy", "false");
  }
}

/**
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {HTMLElement} el
 */
function loadHealth(ctx, id, el) {
  return section(el, "health-title", "Health", async () => {
    const health = await ctx.api.get("/servers/{id}/health", { path: { id } });
    const check = health.latest_check;
    /** @param {boolean | null | undefined} v */
    const component = (v) => (v === null || v === undefined ? "—" : v ? "healthy" : "failing");
    /** @type {[string, Child][]} */
    const rows = [
      ["Health", badge(health.health_status)],
      ["Last check", h("span", { title: health.last_health_check_at ?? "" }, when(health.last_health_check_at))],
      ["Response time", duration(health.response_time_ms)],
      ["Consecutive failures", number(health.consecutive_failures)],
      ["Next check", when(health.next_check_at)],
      ["Stale", health.stale ? "yes: no successful check in three intervals" : "no"],
    ];
    if (check)
      rows.push(
        ["Database", component(check.database_healthy)],
        ["Redis", component(check.redis_healthy)],
        ["Services", component(check.services_healthy)],
      );
    if (check?.error_message) rows.push(["Error", check.error_message]);
    const alerts = health.open_alerts ?? [];
    return [
      h(
        "dl",
        { class: "facts" },
        rows.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v))),
      ),
      alerts.length
        ? h(
            "div",
            { class: "notice error" },
            h("strong", {}, "Open alerts: "),
            alerts.map((a) => `${a.rule} (${a.severity}, since ${when(a.raised_at)})`).join("; "),
          )
        : null,
    ];
  });
}

/** The range the charts show; kept while the console is open, so moving between servers compares like with like. */
let chartRange = "1h";

/**
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {HTMLElement} el
 * @returns {Promise<void>}
 */
function loadMetrics(ctx, id, el) {
  return section(el, "metrics-title", "Metrics", async () => {
    const [seconds, period] = RANGES[chartRange] ?? [3600, "1m"];
    const to = Date.now();
    const from = new Date(to - seconds * 1000).toISOString();
    const [body, checks] = await Promise.all([
      ctx.api.get("/servers/{id}/metrics", { path: { id }, query: { period, from, limit: 1000 } }),
      ctx.api.get("/servers/{id}/health-history", { path: { id }, query: { from, limit: 1000 } }).catch(() => ({ items: [] })),
    ]);
    const points = [.../** @type {MetricsPoint[]} */ (body.points)].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    const latest = points.at(-1);
    /** @param {string} range */
    const redraw = (range) => {
      chartRange = range;
      loadMetrics(ctx, id, el).catch(() => {});
    };
    const tiles = latest
      ? [
          ["CPU", percent(latest.cpu_percent)],
          ["Memory", percent(latest.memory_percent)],
          ["Disk", percent(latest.disk_percent)],
          ["Network in", bytes(latest.network_rx_bytes)],
          ["Network out", bytes(latest.network_tx_bytes)],
          [
            "Services",
            latest.total_services === undefined ? "—" : `${number(latest.active_services)} / ${number(latest.total_services)} up`,
          ],
          ["Failed services", number(latest.failed_services)],
          ["LLM requests", number(latest.llm_requests)],
          ["LLM cost (USD)", typeof latest.llm_cost_usd === "number" ? `$${number(latest.llm_cost_usd, 4)}` : "—"],
          ["Active users", number(latest.active_users)],
        ]
      : [];
    return [
      h(
        "div",
        { class: "chart-head" },
        h(
          "p",
          { class: "muted" },
          latest
            ? `${points.length} points of ${period} over the last ${chartRange} · latest ${when(latest.timestamp)}`
            : `No metrics in the last ${chartRange}.`,
        ),
        rangeSwitch(chartRange, redraw),
      ),
      h("h3", { class: "subhead" }, "Health over time"),
      healthStrip(/** @type {(HealthCheck | null)[]} */ (checks.items).filter(isCheck), to - seconds * 1000, to),
      h(
        "div",
        { class: "grid charts" },
        timeChart({
          id: "chart-resources",
          title: "CPU, memory and disk",
          points,
          series: [
            ["cpu_percent", "CPU"],
            ["memory_percent", "Memory"],
            ["disk_percent", "Disk"],
          ],
        }),
        timeChart({
          id: "chart-network",
          title: `Network per ${period}`,
          points,
          unit: "bytes",
          series: [
            ["network_rx_bytes", "In"],
            ["network_tx_bytes", "Out"],
          ],
        }),
        timeChart({
          id: "chart-failed-services",
          title: "Failed services",
          points,
          unit: "count",
          series: [["failed_services", "Failed"]],
        }),
      ),
      tiles.length
        ? h(
            "div",
            { class: "grid tiles" },
            tiles.map(([k, v]) =>
              h("div", { class: "tile" }, h("span", { class: "figure-label" }, k), h("span", { class: "tile-value" }, v)),
            ),
          )
        : null,
    ];
  });
}

/**
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {HTMLElement} el
 */
function loadHistory(ctx, id, el) {
  return section(el, "history-title", "Recent health checks", async () => {
    const body = await ctx.api.get("/servers/{id}/health-history", { path: { id }, query: { limit: 15 } });
    if (!body.items?.length) return h("p", { class: "muted" }, "No checks yet.");
    /** @param {boolean | null | undefined} v */
    const flag = (v) => (v === null || v === undefined ? "—" : v ? "✓" : "✗");
    return dataTable(
      ["Time", "Result", "Response", "Database", "Redis", "Services", "Error"],
      body.items.filter(isCheck),
      (c) => [
        cell({ title: c.timestamp }, when(c.timestamp)),
        badge(c.status),
        duration(c.response_time_ms),
        flag(c.database_healthy),
        flag(c.redis_healthy),
        flag(c.services_healthy),
        cell({ class: "wrap" }, text(c.error_message)),
      ],
      { compact: true, rowHeaders: false },
    );
  });
}

/**
 * The API's check schema is nullable (a server's latest check may be none); a history holds only checks.
 * @param {HealthCheck | null} check
 * @returns {check is HealthCheck}
 */
function isCheck(check) {
  return check !== null;
}
