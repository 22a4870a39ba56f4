// Servers: filters and search kept in the address (shareable, back button works), cursor paging next/previous.
import { badge } from "../ui/badges.js";
import { h, link, replace, segment } from "../ui/dom.js";
import { text, when } from "../ui/format.js";
import { errorNotice } from "../ui/notice.js";
import { cell, dataTable, pager } from "../ui/table.js";

const STATUSES = ["active", "inactive", "maintenance", "decommissioned"];
const HEALTH = ["healthy", "degraded", "critical", "unreachable", "unknown"];
const PAGE_SIZES = [25, 50, 100, 200];

export async function render(root, ctx) {
  const filters = {
    q: ctx.query.get("q") ?? "",
    status: ctx.query.get("status") ?? "",
    health_status: ctx.query.get("health_status") ?? "",
    region: ctx.query.get("region") ?? "",
    environment: ctx.query.get("environment") ?? "",
    tag: ctx.query.getAll("tag"),
    sort: ctx.query.get("sort") === "-registered" ? "-registered" : "",
  };
  const pageSize = PAGE_SIZES.includes(Number(ctx.query.get("limit"))) ? Number(ctx.query.get("limit")) : PAGE_SIZES[0];
  // The summary gives the dropdowns' regions and environments and, for one filter or none, the total.
  const summary = await ctx.api.get("/summary").catch(() => null);

  const form = filterForm(filters, ctx, summary, pageSize);
  const total = totalOf(summary, filters);
  const results = h(
    "section",
    { class: "card flush", "aria-labelledby": "servers-results", "aria-busy": "true" },
    h("h2", { id: "servers-results", class: "visually-hidden" }, "Servers"),
  );
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "Servers"),
      ctx.session.role === "admin" ? h("div", { class: "actions" }, link("/servers/new", "Register server")) : null,
    ),
    form,
    results,
  );
  root.querySelector(".page-head .actions a")?.classList.add("button", "primary");

  // Servers picked on any page of this view, or the whole filter ("all matching").
  const selection = { ids: new Map(), all: false };
  const bar = selectionBar(filters, selection, ctx);
  results.before(bar.el);

  // Cursors of the pages seen so far: cursors[i] loads page i (page 0 has none).
  const cursors = [undefined];
  let page = 0;
  const load = async () => {
    results.setAttribute("aria-busy", "true");
    try {
      const body = await ctx.api.get("/servers", { ...filters, limit: pageSize, cursor: cursors[page] });
      if (ctx.signal.aborted) return;
      cursors[page + 1] = body.next_cursor ?? undefined;
      replace(
        results,
        h("h2", { id: "servers-results", class: "visually-hidden" }, "Servers"),
        table(body.items, selection, bar.update),
        pager(
          page,
          body.next_cursor,
          (delta) => {
            page += delta;
            load();
          },
          {
            note: `Page ${page + 1} · ${body.items.length} shown${total === undefined ? "" : ` of ${total.toLocaleString()} server${total === 1 ? "" : "s"}`}`,
            always: true,
          },
        ),
      );
    } catch (error) {
      replace(results, errorNotice(error));
    } finally {
      results.setAttribute("aria-busy", "false");
    }
  };
  await load();
}

function filterForm(filters, ctx, summary, pageSize) {
  const select = (name, options, value) =>
    h(
      "select",
      { name, id: `filter-${name}` },
      h("option", { value: "" }, "any"),
      [...new Set([...options, ...(value ? [value] : [])])].map((o) => h("option", { value: o, selected: o === value }, o)),
    );
  const input = (name, value, attrs = {}) => h("input", { name, id: `filter-${name}`, value, ...attrs });
  const labelled = (text, control) => h("div", { class: "field inline" }, h("label", { for: control.id }, text), control);
  const known = (key) => Object.keys(summary?.[key] ?? {}).sort();
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
    labelled("Region", select("region", known("by_region"), filters.region)),
    labelled("Environment", select("environment", known("by_environment"), filters.environment)),
    labelled("Tags", input("tag", filters.tag.join(", "), { placeholder: "all must match" })),
    labelled("Per page", sizes),
    labelled(
      "Order",
      h(
        "select",
        { name: "sort", id: "filter-sort" },
        h("option", { value: "" }, "oldest registered first"),
        h("option", { value: "-registered", selected: filters.sort === "-registered" }, "newest registered first"),
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
  return form;
}

function table(items, selection, changed) {
  if (items.length === 0) return h("p", { class: "empty" }, "No servers match.");
  const boxes = [];
  const pageBox = h("input", { type: "checkbox", "aria-label": "Select the servers on this page", id: "select-page" });
  pageBox.addEventListener("change", () => {
    for (const box of boxes) {
      box.checked = pageBox.checked;
      box.dispatchEvent(new Event("change"));
    }
  });
  const wrap = dataTable(
    [pageBox, "Name", "Health", "Status", "Region", "Environment", "Tags", "Last check"],
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
      return [
        box,
        cell({ class: "name" }, link(`/servers/${segment(s.id)}`, s.name), h("span", { class: "sub" }, s.hostname)),
        badge(s.health_status),
        badge(s.status),
        text(s.region),
        text(s.environment),
        s.tags.length ? s.tags.map((t) => h("span", { class: "tag" }, t)) : "—",
        cell({ title: s.last_health_check_at ?? "" }, when(s.last_health_check_at)),
      ];
    },
    { id: "server-table", compact: true, rowHeaderAt: 1, rowData: (s) => ({ serverId: s.id }) },
  );
  pageBox.disabled = selection.all;
  return wrap;
}

/** How many servers the filter matches, when the summary says (no filter, or one of its dimensions alone). */
function totalOf(summary, filters) {
  if (!summary) return undefined;
  const set = ["status", "health_status", "region", "environment"].filter((k) => filters[k]);
  if (filters.q || filters.tag.length || set.length > 1) return undefined;
  if (set.length === 0) return summary.total_servers;
  const key = { status: "by_status", health_status: "by_health", region: "by_region", environment: "by_environment" }[set[0]];
  return summary[key]?.[filters[set[0]]] ?? 0;
}

/** The filters an operation can target whole (a name search or a lifecycle other than active cannot). */
function targetableFilter(filters) {
  return !filters.q && (!filters.status || filters.status === "active");
}

/** "N selected · select all matching · Run operation on N servers". */
function selectionBar(filters, selection, ctx) {
  const el = h("div", { class: "selection-bar card", id: "selection-bar", "aria-live": "polite" });
  const update = () => {
    const n = selection.ids.size;
    const canAct = ctx.session.role !== "viewer";
    const run = h("button", { type: "button", class: "button primary", id: "run-operation", disabled: !canAct || (!selection.all && n === 0) });
    run.textContent = selection.all ? "Run operation on all matching servers" : `Run operation on ${n} server${n === 1 ? "" : "s"}`;
    run.addEventListener("click", () => {
      const query = new URLSearchParams();
      if (selection.all) {
        query.set("match", "filter");
        for (const name of ["health_status", "region", "environment"]) if (filters[name]) query.set(name, filters[name]);
        for (const tag of filters.tag) query.append("tag", tag);
      } else for (const id of selection.ids.keys()) query.append("server_id", id);
      ctx.navigate(`/operations/new?${query}`);
    });
    const all = h("input", { type: "checkbox", id: "select-all-matching", checked: selection.all, disabled: !targetableFilter(filters) });
    all.addEventListener("change", () => {
      selection.all = all.checked;
      for (const box of document.querySelectorAll("#server-table input[type=checkbox]")) {
        box.disabled = selection.all;
        if (box.classList.contains("select-server")) box.checked = selection.all || selection.ids.has(box.closest("tr").dataset.serverId);
      }
      update();
    });
    replace(
      el,
      h("span", { class: "muted", id: "selection-count" }, selection.all ? "All servers matching the filter" : `${n} selected`),
      h(
        "label",
        { for: "select-all-matching", title: targetableFilter(filters) ? "" : "A name search or a non-active status cannot be an operation's target" },
        all,
        " Select all matching the filter",
      ),
      n && !selection.all ? h("button", { type: "button", class: "button subtle", onclick: () => (selection.ids.clear(), document.querySelectorAll(".select-server").forEach((b) => (b.checked = false)), update()) }, "Clear selection") : null,
      run,
    );
  };
  update();
  return { el, update };
}
