// Bulk operations, newest first, with progress; running ones refresh until they finish.
import { badge } from "../ui/badges.js";
import { h, link, replace, segment } from "../ui/dom.js";
import { label, number, when } from "../ui/format.js";
import { errorNotice, isUnavailable } from "../ui/notice.js";
import { FINISHED, progressBar } from "../ui/progress.js";

const STATUSES = ["pending", "running", "completed", "partial", "failed", "cancelling", "cancelled"];
const REFRESH_MS = 3000;

export async function render(root, ctx) {
  const status = ctx.query.get("status") ?? "";
  const filter = h(
    "select",
    { id: "operation-status", name: "status" },
    h("option", { value: "" }, "any"),
    STATUSES.map((s) => h("option", { value: s, selected: s === status }, s)),
  );
  filter.addEventListener("change", () => ctx.navigate(`/operations${filter.value ? `?status=${filter.value}` : ""}`));
  const results = h("section", { class: "card flush", "aria-live": "polite", "aria-busy": "true" });
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "Operations"),
      h(
        "div",
        { class: "actions" },
        h("div", { class: "field inline" }, h("label", { for: "operation-status" }, "Status"), filter),
        link("/operations/new", "Start an operation"),
      ),
    ),
    results,
  );
  root.querySelector(".page-head .actions > a").classList.add("button", "primary");

  const cursors = [undefined];
  let page = 0;
  let timer;
  ctx.signal.addEventListener("abort", () => clearTimeout(timer));
  const load = async () => {
    clearTimeout(timer);
    try {
      const body = await ctx.api.get("/operations", { status, limit: 25, cursor: cursors[page] });
      if (ctx.signal.aborted) return;
      cursors[page + 1] = body.next_cursor ?? undefined;
      replace(
        results,
        table(body.items),
        pager(page, body.next_cursor, (d) => {
          page += d;
          load();
        }),
      );
      if (body.items.some((op) => !FINISHED.has(op.status))) timer = setTimeout(load, REFRESH_MS);
    } catch (error) {
      replace(
        results,
        isUnavailable(error) ? h("p", { class: "empty" }, "Bulk operations are not available on this API yet.") : errorNotice(error),
      );
    } finally {
      results.setAttribute("aria-busy", "false");
    }
  };
  await load();
}

function table(items) {
  if (!items.length) return h("p", { class: "empty" }, "No operations yet.");
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Operation", "Status", "Progress", "Servers", "Started by", "Created"].map((t) => h("th", { scope: "col" }, t)),
        ),
      ),
      h(
        "tbody",
        {},
        items.map((op) =>
          h(
            "tr",
            { dataset: { operationId: op.id } },
            h("th", { scope: "row" }, link(`/operations/${segment(op.id)}`, label(op.operation_type))),
            h("td", {}, badge(op.status)),
            h("td", {}, progressBar(op)),
            h("td", {}, `${number(op.completed_servers)} ok · ${number(op.failed_servers)} failed / ${number(op.total_servers)}`),
            h("td", {}, op.initiated_by),
            h("td", { title: op.created_at }, when(op.created_at)),
          ),
        ),
      ),
    ),
  );
}

function pager(page, nextCursor, go) {
  if (page === 0 && !nextCursor) return null;
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    h("button", { type: "button", class: "button", disabled: page === 0, onclick: () => go(-1) }, "← Previous"),
    h("span", { class: "muted" }, `Page ${page + 1}`),
    h("button", { type: "button", class: "button", disabled: !nextCursor, onclick: () => go(1) }, "Next →"),
  );
}
