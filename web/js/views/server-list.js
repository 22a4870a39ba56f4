// Servers: filters, search and order kept in the address (shareable, back button works), cursor paging, compact
// rows with CPU, memory and the last check; follows the fleet and shows when it last did.
import { readSummary } from "../api.js";
import { badge } from "../ui/badges.js";
import { h, link, replace, segment } from "../ui/dom.js";
import { percent, text, when } from "../ui/format.js";
import { watchFleet } from "../ui/live.js";
import { errorNotice } from "../ui/notice.js";
import { cell, dataTable, pager } from "../ui/table.js";

/** @import { FleetSummary, ListedServer, ServerListQuery, ServerSort, ViewContext } from "../api-types.js" */
/**
 * The list's filters as the address carries them.
 * @typedef {{ q: string, status: string, health_status: string, region: string, environment: string, tag: string[], sort: ServerSort | "" }} Filters
 */
/** @typedef {{ ids: Map<string, string>, all: boolean }} Selection */

const STATUSES = ["active", "inactive", "maintenance", "decommissioned"];
const HEALTH = ["healthy", "degraded", "critical", "unreachable", "unknown"];
const PAGE_SIZES = [25, 50, 100, 200];
/** The orders the list offers; "" is the API's default (registration, oldest first). */
const SORTS = /** @type {const} */ ([
  ["", "oldest registered first"],
  ["-registered", "newest registered first"],
  ["name", "name A→Z"],
  ["-name", "name Z→A"],
]);
/** What changes without a fleet event (a check finding the same health, new metrics) is re-read this often. */
const MAX_AGE_MS = 60_000;

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, ctx) {
  const sort = SORTS.find(([value]) => value && value === ctx.query.get("sort"))?.[0] ?? "";
  /** @type {Filters} */
  const filters = {
    q: ctx.query.get("q") ?? "",
    status: ctx.query.get("status") ?? "",
    health_status: ctx.query.get("health_status") ?? "",
    region: ctx.query.get("region") ?? "",
    environment: ctx.query.get("environment") ?? "",
    tag: ctx.query.getAll("tag"),
    sort,
  };
  const pageSize = PAGE_SIZES.find((n) => n === Number(ctx.query.get("limit"))) ?? 25;
  const pages = pageCache(ctx, filters, pageSize);
  // The first page and the summary (the dropdowns' regions and environments and, for one filter or none, the
  // total) are asked for together, and the rows are drawn as soon as their page comes: the summary fills the
  // dropdowns and the total when it arrives, so a slow summary never holds the table back.
  pages.get(undefined);
  const summaryRead = readSummary(ctx.api).catch(() => null);

  const form = filterForm(filters, ctx, pageSize);
  /** @type {number | undefined} */
  let total;
  let shownCount = 0;
  /** The pager's note: the page, the rows on it and (once the summary says) how many servers match. */
  const note = () =>
    `Page ${page + 1} · ${shownCount} shown${total === undefined ? "" : ` of ${total.toLocaleString()} server${total === 1 ? "" : "s"}`}`;
  const updated = h("p", { class: "muted updated", id: "last-update" });
  const results = h(
    "section",
    { class: "card flush", "aria-labelledby": "servers-results", "aria-busy": "true" },
    h("h2", { id: "servers-results", class: "visually-hidden" }, "Servers"),
  );
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("div", {}, h("h1", {}, "Servers"), updated),
      ctx.session.role === "admin" ? h("div", { class: "actions" }, link("/servers/new", "Register server")) : "",
    ),
    form,
    results,
  );
  root.querySelector(".page-head .actions a")?.classList.add("button", "primary");

  // Servers picked on any page of this view, or the whole filter ("all matching").
  /** @type {Selection} */
  const selection = { ids: new Map(), all: false };
  const bar = selectionBar(filters, selection, ctx);
  results.before(bar.el);

  // Cursors of the pages seen so far: cursors[i] loads page i (page 0 has none).
  /** @type {(string | undefined)[]} */
  const cursors = [undefined];
  let page = 0;
  /** Name order from the column header: the same address as the order dropdown. */
  const sortByName = () => {
    const query = new URLSearchParams(ctx.query);
    query.set("sort", filters.sort === "name" ? "-name" : "name");
    ctx.navigate(`/servers?${query}`);
  };
  // What the table shows: a live refresh that finds the page unchanged leaves it alone (and the focus in it).
  let shown = "";
  // Loads can overlap (a live refresh and a click): only the latest one draws.
  let latest = 0;
  /** Draws the current page; a live refresh (`fresh`) asks the API again instead of using a page read ahead. */
  const load = async (fresh = false) => {
    const mine = ++latest;
    results.setAttribute("aria-busy", "true");
    try {
      if (fresh) pages.clear();
      const body = await pages.get(cursors[page]);
      if (ctx.signal.aborted || mine !== latest) return;
      cursors[page + 1] = body.next_cursor ?? undefined;
      // The next page is read ahead, so "Next" draws at once (not on every live refresh: that would double them).
      if (body.next_cursor && !fresh) pages.get(body.next_cursor).catch(() => {});
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
      const fingerprint = JSON.stringify([page, body]);
      if (fingerprint === shown) return;
      shown = fingerprint;
      shownCount = body.items.length;
      replace(
        results,
        h("h2", { id: "servers-results", class: "visually-hidden" }, "Servers"),
        table(body.items, selection, bar.update, filters.sort, sortByName),
        pager(
          page,
          body.next_cursor,
          (delta) => {
            page += delta;
            load();
          },
          { note: note(), always: true },
        ),
      );
    } catch (error) {
      shown = "";
      replace(results, errorNotice(error));
    } finally {
      results.setAttribute("aria-busy", "false");
    }
  };
  summaryRead.then((summary) => {
    if (!summary || ctx.signal.aborted) return;
    form.known(summary);
    total = totalOf(summary, filters);
    const pagerNote = results.querySelector(".pager .muted");
    if (pagerNote && shown) pagerNote.textContent = note();
  });
  await load();
  watchFleet(ctx, () => load(true), { maxAgeMs: MAX_AGE_MS });
}

/** A page read ahead is used for this long; after that "Next" asks the API again. */
const READ_AHEAD_MS = 15_000;

/**
 * The list's pages by cursor, each asked for once and kept briefly: the first page is asked for beside the
 * summary, and the page after the one shown is read ahead.
 * @param {ViewContext} ctx
 * @param {Filters} filters
 * @param {number} pageSize
 */
function pageCache(ctx, filters, pageSize) {
  /** @typedef {Awaited<ReturnType<typeof fetchPage>>} Page */
  /** @type {Map<string, { at: number, page: Promise<Page> }>} */
  const cache = new Map();
  /** @param {string | undefined} cursor */
  const fetchPage = (cursor) => {
    const { tag, sort, ...rest } = filters;
    // The order is sent as the API names it; "name" and "-name" come with APIs that sort by name.
    const query = /** @type {ServerListQuery} */ ({ ...rest, tag, sort: sort || undefined, limit: pageSize, cursor });
    return ctx.api.get("/servers", { query });
  };
  return {
    /** @param {string | undefined} cursor */
    get(cursor) {
      const key = cursor ?? "";
      const kept = cache.get(key);
      if (kept && Date.now() - kept.at < READ_AHEAD_MS) return kept.page;
      const page = fetchPage(cursor);
      cache.set(key, { at: Date.now(), page });
      // A failed read is not kept: the next ask tries again.
      page.catch(() => cache.delete(key));
      return page;
    },
    clear() {
      cache.clear();
    },
  };
}

/**
 * The filter form; `known(summary)` adds the regions and environments the summary counts to their dropdowns.
 * @param {Filters} filters
 * @param {ViewContext} ctx
 * @param {number} pageSize
 */
function filterForm(filters, ctx, pageSize) {
  /**
   * @param {string} name
   * @param {readonly string[]} options
   * @param {string} value
   */
  const select = (name, options, value) =>
    h(
      "select",
      { name, id: `filter-${name}` },
      h("option", { value: "" }, "any"),
      [...new Set([...options, ...(value ? [value] : [])])].map((o) => h("option", { value: o, selected: o === value }, o)),
    );
  /**
   * @param {string} name
   * @param {string} value
   * @param {Record<string, unknown>} [attrs]
   */
  const input = (name, value, attrs = {}) => h("input", { name, id: `filter-${name}`, value, ...attrs });
  /**
   * @param {string} text
   * @param {HTMLElement} control
   */
  const labelled = (text, control) => h("div", { class: "field inline" }, h("label", { for: control.id }, text), control);
  const sizes = h(
    "select",
    { name: "limit", id: "filter-limit" },
    PAGE_SIZES.map((n) => h("option", { value: String(n), selected: n === pageSize }, String(n))),
  );
  const form = h(
    "form",
    { class: "filters card", role: "search", "aria-label": "Filter servers", novalidate: true },
    labelled("Search", input("q", filters.q, { type: "search", placeholder: "name or hostname", spellcheck: "false" })),
    labelled("Status", select("status", STATUSES, filters.status)),
    labelled("Health", select("health_status", HEALTH, filters.health_status)),
    labelled("Region", select("region", [], filters.region)),
    labelled("Environment", select("environment", [], filters.environment)),
    labelled("Tags", input("tag", filters.tag.join(", "), { placeholder: "all must match" })),
    labelled("Per page", sizes),
    labelled(
      "Order",
      h(
        "select",
        { name: "sort", id: "filter-sort" },
        SORTS.map(([value, label]) => h("option", { value, selected: value === filters.sort }, label)),
      ),
    ),
    h("div", { class: "filter-actions" }, h("button", { type: "submit", class: "button primary" }, "Apply"), link("/servers", "Clear")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const query = new URLSearchParams();
    for (const name of ["q", "status", "health_status", "region", "environment", "sort"]) {
      const value = String(data.get(name) ?? "").trim();
      if (value) query.set(name, value);
    }
    for (const tag of String(data.get("tag") ?? "")
      .split(/[\s,]+/)
      .filter(Boolean))
      query.append("tag", tag);
    if (Number(data.get("limit")) !== PAGE_SIZES[0]) query.set("limit", String(data.get("limit")));
    ctx.navigate(`/servers${query.size ? `?${query}` : ""}`);
  });
  /** @param {FleetSummary} summary */
  const known = (summary) => {
    for (const [name, key] of /** @type {const} */ ([
      ["region", "by_region"],
      ["environment", "by_environment"],
    ])) {
      const control = /** @type {HTMLSelectElement} */ (form.querySelector(`#filter-${name}`));
      const listed = new Set([...control.options].map((o) => o.value));
      const value = control.value;
      const all = [...new Set([...Object.keys(summary[key] ?? {}), ...listed])].filter(Boolean).sort();
      if (all.every((o) => listed.has(o))) continue;
      control.replaceChildren(h("option", { value: "" }, "any"), ...all.map((o) => h("option", { value: o, selected: o === value }, o)));
      control.value = value;
    }
  };
  return Object.assign(form, { known });
}

/**
 * @param {ListedServer[]} items
 * @param {Selection} selection
 * @param {() => void} changed
 * @param {ServerSort | ""} sort
 * @param {() => void} sortByName
 */
function table(items, selection, changed, sort, sortByName) {
  if (items.length === 0) return h("p", { class: "empty" }, "No servers match.");
  /** @type {HTMLInputElement[]} */
  const boxes = [];
  const pageBox = h("input", { type: "checkbox", "aria-label": "Select the servers on this page", id: "select-page" });
  pageBox.addEventListener("change", () => {
    for (const box of boxes) {
      box.checked = pageBox.checked;
      box.dispatchEvent(new Event("change"));
    }
  });
  const byName = sort === "name" ? "ascending" : sort === "-name" ? "descending" : undefined;
  const nameHeader = h(
    "button",
    { type: "button", class: "sort-button", id: "sort-by-name", onclick: sortByName, title: "Sort by name" },
    "Name",
    byName ? h("span", { "aria-hidden": "true" }, byName === "ascending" ? " ▲" : " ▼") : null,
  );
  const wrap = dataTable(
    [pageBox, nameHeader, "Health", "Status", "Region", "Environment", "Tags", "CPU", "Memory", "Last check"],
    items,
    (s) => {
      const box = h("input", {
        type: "checkbox",
        class: "select-server",
        "aria-label": `Select ${s.name}`,
        checked: selection.all || selection.ids.has(s.id),
        disabled: selection.all,
      });
      box.addEventListener("change", () => {
        if (box.checked) selection.ids.set(s.id, s.name);
        else selection.ids.delete(s.id);
        changed();
      });
      boxes.push(box);
      const checkedAt = lastCheck(s);
      return [
        box,
        cell({ class: "name" }, link(`/servers/${segment(s.id)}`, s.name), h("span", { class: "sub" }, s.hostname)),
        badge(s.health_status),
        badge(s.status),
        text(s.region),
        text(s.environment),
        s.tags.length ? s.tags.map((t) => h("span", { class: "tag" }, t)) : "—",
        cell({ class: "num", dataset: { column: "cpu" } }, percent(s.cpu_percent)),
        cell({ class: "num", dataset: { column: "memory" } }, percent(s.memory_percent)),
        cell({ title: checkedAt ?? "", dataset: { column: "last-check" } }, when(checkedAt)),
      ];
    },
    { id: "server-table", compact: true, rowHeaderAt: 1, rowData: (s) => ({ serverId: s.id }) },
  );
  if (byName) nameHeader.closest("th")?.setAttribute("aria-sort", byName);
  pageBox.disabled = selection.all;
  return wrap;
}

/**
 * When the server was last checked: the list's `last_check_at` (the latest health check itself); an API that
 * predates it gives the record's `last_health_check_at`, which is only rewritten on a change or heartbeat.
 * @param {ListedServer} s
 */
function lastCheck(s) {
  return s.last_check_at === undefined ? s.last_health_check_at : s.last_check_at;
}

/**
 * How many servers the filter matches, when the summary says (no filter, or one of its dimensions alone).
 * @param {FleetSummary | null} summary
 * @param {Filters} filters
 */
function totalOf(summary, filters) {
  if (!summary) return undefined;
  const dimensions = /** @type {const} */ ({
    status: "by_status",
    health_status: "by_health",
    region: "by_region",
    environment: "by_environment",
  });
  const set = /** @type {(keyof typeof dimensions)[]} */ (Object.keys(dimensions)).filter((k) => filters[k]);
  if (filters.q || filters.tag.length || set.length > 1) return undefined;
  const only = set[0];
  if (only === undefined) return summary.total_servers;
  return summary[dimensions[only]]?.[filters[only]] ?? 0;
}

/**
 * The filters an operation can target whole (a name search or a lifecycle other than active cannot).
 * @param {Filters} filters
 */
function targetableFilter(filters) {
  return !filters.q && (!filters.status || filters.status === "active");
}

/**
 * "N selected · select all matching · Run operation on N servers".
 * @param {Filters} filters
 * @param {Selection} selection
 * @param {ViewContext} ctx
 */
function selectionBar(filters, selection, ctx) {
  const el = h("div", { class: "selection-bar card", id: "selection-bar", "aria-live": "polite" });
  const boxesOnPage = () => /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll("#server-table input[type=checkbox]"));
  const update = () => {
    const n = selection.ids.size;
    const canAct = ctx.session.role !== "viewer";
    const run = h("button", {
      type: "button",
      class: "button primary",
      id: "run-operation",
      disabled: !canAct || (!selection.all && n === 0),
    });
    run.textContent = selection.all ? "Run operation on all matching servers" : `Run operation on ${n} server${n === 1 ? "" : "s"}`;
    run.addEventListener("click", () => {
      const query = new URLSearchParams();
      if (selection.all) {
        query.set("match", "filter");
        for (const name of /** @type {const} */ (["health_status", "region", "environment"]))
          if (filters[name]) query.set(name, filters[name]);
        for (const tag of filters.tag) query.append("tag", tag);
      } else for (const id of selection.ids.keys()) query.append("server_id", id);
      ctx.navigate(`/operations/new?${query}`);
    });
    const all = h("input", { type: "checkbox", id: "select-all-matching", checked: selection.all, disabled: !targetableFilter(filters) });
    all.addEventListener("change", () => {
      selection.all = all.checked;
      for (const box of boxesOnPage()) {
        box.disabled = selection.all;
        if (box.classList.contains("select-server"))
          box.checked = selection.all || selection.ids.has(box.closest("tr")?.dataset.serverId ?? "");
      }
      update();
    });
    const clear = () => {
      selection.ids.clear();
      for (const box of boxesOnPage()) box.checked = false;
      update();
    };
    replace(
      el,
      h("span", { class: "muted", id: "selection-count" }, selection.all ? "All servers matching the filter" : `${n} selected`),
      h(
        "label",
        {
          for: "select-all-matching",
          title: targetableFilter(filters) ? "" : "A name search or a non-active status cannot be an operation's target",
        },
        all,
        " Select all matching the filter",
      ),
      n && !selection.all ? h("button", { type: "button", class: "button subtle", onclick: clear }, "Clear selection") : null,
      run,
    );
  };
  update();
  return { el, update };
}
