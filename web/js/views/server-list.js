// Servers: filters and search kept in the address (shareable, back button works), cursor paging next/previous.
import { badge } from "../ui/badges.js";
import { h, link, replace, segment } from "../ui/dom.js";
import { text, when } from "../ui/format.js";
import { errorNotice } from "../ui/notice.js";
import { cell, dataTable, pager } from "../ui/table.js";

const STATUSES = ["active", "inactive", "maintenance", "decommissioned"];
const HEALTH = ["healthy", "degraded", "critical", "unreachable", "unknown"];
const PAGE_SIZE = 25;

export async function render(root, ctx) {
  const filters = {
    q: ctx.query.get("q") ?? "",
    status: ctx.query.get("status") ?? "",
    health_status: ctx.query.get("health_status") ?? "",
    region: ctx.query.get("region") ?? "",
    environment: ctx.query.get("environment") ?? "",
    tag: ctx.query.getAll("tag"),
  };

  const form = filterForm(filters, ctx);
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

  // Cursors of the pages seen so far: cursors[i] loads page i (page 0 has none).
  const cursors = [undefined];
  let page = 0;
  const load = async () => {
    results.setAttribute("aria-busy", "true");
    try {
      const body = await ctx.api.get("/servers", { ...filters, limit: PAGE_SIZE, cursor: cursors[page] });
      if (ctx.signal.aborted) return;
      cursors[page + 1] = body.next_cursor ?? undefined;
      replace(
        results,
        h("h2", { id: "servers-results", class: "visually-hidden" }, "Servers"),
        table(body.items),
        pager(
          page,
          body.next_cursor,
          (delta) => {
            page += delta;
            load();
          },
          { note: `Page ${page + 1} · ${body.items.length} shown`, always: true },
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

function filterForm(filters, ctx) {
  const select = (name, options, value) =>
    h(
      "select",
      { name, id: `filter-${name}` },
      h("option", { value: "" }, "any"),
      options.map((o) => h("option", { value: o, selected: o === value }, o)),
    );
  const input = (name, value, attrs = {}) => h("input", { name, id: `filter-${name}`, value, ...attrs });
  const labelled = (text, control) => h("div", { class: "field inline" }, h("label", { for: control.id }, text), control);
  const form = h(
    "form",
    { class: "filters card", role: "search", "aria-label": "Filter servers", novalidate: true },
    labelled("Search", input("q", filters.q, { type: "search", placeholder: "name or hostname", spellcheck: "false" })),
    labelled("Status", select("status", STATUSES, filters.status)),
    labelled("Health", select("health_status", HEALTH, filters.health_status)),
    labelled("Region", input("region", filters.region, { placeholder: "e.g. us-east-1" })),
    labelled("Environment", input("environment", filters.environment, { placeholder: "e.g. production" })),
    labelled("Tags", input("tag", filters.tag.join(", "), { placeholder: "all must match" })),
    h("div", { class: "filter-actions" }, h("button", { type: "submit", class: "button primary" }, "Apply"), link("/servers", "Clear")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const query = new URLSearchParams();
    for (const name of ["q", "status", "health_status", "region", "environment"]) {
      const value = String(data.get(name) ?? "").trim();
      if (value) query.set(name, value);
    }
    for (const tag of String(data.get("tag") ?? "")
      .split(/[\s,]+/)
      .filter(Boolean))
      query.append("tag", tag);
    ctx.navigate(`/servers${query.size ? `?${query}` : ""}`);
  });
  return form;
}

function table(items) {
  if (items.length === 0) return h("p", { class: "empty" }, "No servers match.");
  return dataTable(
    ["Name", "Health", "Status", "Region", "Environment", "Tags", "Last check"],
    items,
    (s) => [
      [link(`/servers/${segment(s.id)}`, s.name), h("div", { class: "sub" }, s.hostname)],
      badge(s.health_status),
      badge(s.status),
      text(s.region),
      text(s.environment),
      s.tags.length ? s.tags.map((t) => h("span", { class: "tag" }, t)) : "—",
      cell({ title: s.last_health_check_at ?? "" }, when(s.last_health_check_at)),
    ],
    { id: "server-table", rowData: (s) => ({ serverId: s.id }) },
  );
}
