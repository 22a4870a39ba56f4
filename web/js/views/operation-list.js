// Bulk operations, newest first, with progress and who started them; the list follows the fleet (an operation
// started elsewhere appears) and refreshes every few seconds while any on the page runs.
import { badge } from "../ui/badges.js";
import { h, link, replace, segment } from "../ui/dom.js";
import { label, number, when } from "../ui/format.js";
import { keyName, learnKeyNames } from "../ui/key-names.js";
import { watchFleet } from "../ui/live.js";
import { errorNotice, isUnavailable } from "../ui/notice.js";
import { FINISHED, progressBar } from "../ui/progress.js";
import { cell, dataTable, pager } from "../ui/table.js";

/** @import { Operation, ViewContext } from "../api-types.js" */

/** @type {Operation["status"][]} */
const STATUSES = ["pending", "running", "completed", "partial", "failed", "cancelling", "cancelled"];
const REFRESH_MS = 3000;

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, ctx) {
  const asked = ctx.query.get("status");
  const status = STATUSES.find((s) => s === asked);
  const filter = h(
    "select",
    { id: "operation-status", name: "status" },
    h("option", { value: "" }, "any"),
    STATUSES.map((s) => h("option", { value: s, selected: s === status }, s)),
  );
  filter.addEventListener("change", () => ctx.navigate(`/operations${filter.value ? `?status=${filter.value}` : ""}`));
  const updated = h("p", { class: "muted updated", id: "last-update" });
  const results = h("section", { class: "card flush", "aria-live": "polite", "aria-busy": "true" });
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("div", {}, h("h1", {}, "Operations"), updated),
      h(
        "div",
        { class: "actions" },
        h("div", { class: "field inline" }, h("label", { for: "operation-status" }, "Status"), filter),
        link("/operations/new", "Start an operation"),
      ),
    ),
    results,
  );
  root.querySelector(".page-head .actions > a")?.classList.add("button", "primary");
  await learnKeyNames(ctx);

  /** @type {(string | undefined)[]} */
  const cursors = [undefined];
  let page = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  ctx.signal.addEventListener("abort", () => clearTimeout(timer));
  // Loads can overlap (a live refresh and a click): only the latest one draws.
  let latest = 0;
  const load = async () => {
    const mine = ++latest;
    clearTimeout(timer);
    try {
      const body = await ctx.api.get("/operations", { query: { status, limit: 25, cursor: cursors[page] } });
      if (ctx.signal.aborted || mine !== latest) return;
      cursors[page + 1] = body.next_cursor ?? undefined;
      replace(
        results,
        table(body.items),
        pager(page, body.next_cursor, (d) => {
          page += d;
          load();
        }),
      );
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
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
  // Also once a minute: a safety net for an event the feed did not show (a browser clock far ahead of the API's).
  watchFleet(ctx, load, { maxAgeMs: 60_000 });
}

/** @param {Operation[]} items */
function table(items) {
  if (!items.length) return h("p", { class: "empty" }, "No operations yet.");
  return dataTable(
    ["Operation", "Status", "Progress", "Servers", "Started by", "Created"],
    items,
    (op) => [
      link(`/operations/${segment(op.id)}`, label(op.operation_type)),
      badge(op.status),
      progressBar(op),
      `${number(op.completed_servers)} ok · ${number(op.failed_servers)} failed / ${number(op.total_servers)}`,
      cell({ title: op.initiated_by }, keyName(op.initiated_by)),
      cell({ title: op.created_at }, when(op.created_at)),
    ],
    { rowData: (op) => ({ operationId: op.id }) },
  );
}
