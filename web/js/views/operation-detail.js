// One bulk operation: counters, progress, per-server progress that refreshes while it runs, and cancel.
import { ApiError } from "../api.js";
import { badge } from "../ui/badges.js";
import { h, link, replace, segment } from "../ui/dom.js";
import { duration, label, number, text, when } from "../ui/format.js";
import { errorNotice, infoNotice } from "../ui/notice.js";
import { FINISHED, progressBar } from "../ui/progress.js";
import { cell, dataTable, pager } from "../ui/table.js";
import { keyName, learnKeyNames } from "../ui/key-names.js";

/** @import { Operation, OperationTarget, ViewContext } from "../api-types.js" */

const REFRESH_MS = 1500;
const TARGET_PAGE = 100;

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, ctx) {
  const id = ctx.params[0] ?? "";
  const summary = h("section", { class: "card", "aria-labelledby": "op-summary" });
  const targets = h("section", { class: "card flush", "aria-labelledby": "op-targets" });
  const actionStatus = h("div", { class: "form-status", "aria-live": "polite" });
  const actions = h("div", { class: "actions" });
  const title = h("h1", {}, "Operation");
  const updated = h("p", { class: "muted updated", id: "last-update" });
  root.append(
    h("div", { class: "page-head" }, h("div", {}, h("p", { class: "crumbs" }, link("/operations", "Operations"), " / "), title), actions),
    updated,
    actionStatus,
    summary,
    targets,
  );

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  ctx.signal.addEventListener("abort", () => clearTimeout(timer));
  await learnKeyNames(ctx);
  /** @type {(string | undefined)[]} */
  const cursors = [undefined];
  let page = 0;

  const refresh = async () => {
    clearTimeout(timer);
    /** @type {Operation} */
    let op;
    try {
      op = await ctx.api.get("/operations/{id}", { path: { id } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        replace(root, h("h1", {}, "Operation not found"), link("/operations", "Back to operations"));
        return;
      }
      throw error;
    }
    // Failed servers first, then running ones with their elapsed time, then every server a page at a time.
    const [page_, failed, running] = await Promise.all([
      targetPage(ctx, id, { limit: TARGET_PAGE, cursor: cursors[page] }),
      op.failed_servers > 0 ? targetPage(ctx, id, { status: "failed", limit: TARGET_PAGE }) : { items: [], next_cursor: null },
      FINISHED.has(op.status) ? { items: [], next_cursor: null } : targetPage(ctx, id, { status: "running", limit: TARGET_PAGE }),
    ]);
    if (ctx.signal.aborted) return;
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    cursors[page + 1] = page_.next_cursor ?? undefined;
    title.textContent = `${label(op.operation_type)}`;
    replace(summary, h("h2", { id: "op-summary", class: "visually-hidden" }, "Summary"), overview(op));
    replace(
      targets,
      failed.items.length
        ? [h("h2", { id: "op-failed", class: "pad" }, `Failed (${number(op.failed_servers)})`), targetTable(failed.items, "failed-targets")]
        : null,
      running.items.length ? [h("h2", { id: "op-running", class: "pad" }, "Running"), targetTable(running.items, "running-targets")] : null,
      h("h2", { id: "op-targets", class: "pad" }, "All servers"),
      targetTable(page_.items, "operation-targets"),
      pager(page, page_.next_cursor, (d) => {
        page += d;
        refresh().catch((error) => actionStatus.replaceChildren(errorNotice(error)));
      }),
    );
    replace(
      actions,
      FINISHED.has(op.status) || op.status === "cancelling" ? null : cancelButton(ctx, id, actionStatus, refresh),
      FINISHED.has(op.status) && op.failed_servers > 0
        ? h(
            "a",
            { class: "button primary", id: "retry-failed", href: `#/operations/new?retry_of=${segment(op.id)}` },
            `Retry failed (${number(op.failed_servers)})`,
          )
        : null,
    );
    if (!FINISHED.has(op.status))
      timer = setTimeout(() => refresh().catch((error) => actionStatus.replaceChildren(errorNotice(error))), REFRESH_MS);
  };
  await refresh();
}

/**
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {HTMLElement} status
 * @param {() => Promise<void>} refresh
 */
function cancelButton(ctx, id, status, refresh) {
  const button = h("button", { type: "button", class: "button danger" }, "Cancel operation");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await ctx.api.post("/operations/{id}/cancel", undefined, { path: { id } });
      status.replaceChildren(infoNotice("Cancelling: no new server starts; running ones finish."));
      await refresh();
    } catch (error) {
      status.replaceChildren(errorNotice(error));
      button.disabled = false;
    }
  });
  return button;
}

/** @param {Operation} op */
function overview(op) {
  /** @type {[string, import("../ui/dom-types.js").Child][]} */
  const facts = [
    ["Status", badge(op.status)],
    ["Progress", progressBar(op)],
    ["Servers", number(op.total_servers)],
    ["Succeeded", number(op.completed_servers)],
    ["Failed", number(op.failed_servers)],
    ["Skipped", number(op.skipped_servers)],
    ["Cancelled", number(op.cancelled_servers)],
    ["Concurrency", `${op.max_concurrency} (${number(op.effective_max_concurrency)} servers)`],
    ["Error threshold", `${op.max_errors} (${number(op.effective_max_errors)} failures)`],
    ["Started by", h("span", { title: op.initiated_by }, keyName(op.initiated_by))],
    ["Started", h("span", { title: op.started_at ?? "" }, when(op.started_at))],
    ["Finished", h("span", { title: op.completed_at ?? "" }, when(op.completed_at))],
  ];
  return [
    h(
      "dl",
      { class: "facts columns", id: "operation-facts" },
      facts.map(([k, v]) => h("div", { dataset: { fact: k.toLowerCase() } }, h("dt", {}, k), h("dd", {}, v))),
    ),
    op.error_summary ? h("div", { class: "notice error" }, op.error_summary) : null,
    Object.keys(op.parameters ?? {}).length
      ? h("details", {}, h("summary", {}, "Parameters"), h("code", { class: "block" }, JSON.stringify(op.parameters, null, 2)))
      : null,
  ];
}

/**
 * @param {OperationTarget[]} items
 * @param {string} id
 */
function targetTable(items, id) {
  if (!items.length) return h("p", { class: "empty" }, "No servers targeted.");
  return dataTable(
    ["Server", "Status", "Attempts", "Duration", "Finished", "Output / error"],
    items,
    (t) => [
      link(`/servers/${segment(t.server_id)}`, t.server_name),
      badge(t.status),
      cell({ class: "num" }, number(t.attempts)),
      // A running server shows how long it has been running; a finished one its measured duration.
      t.status === "running" && t.started_at
        ? cell({ class: "elapsed" }, `${duration(Date.now() - Date.parse(t.started_at))} so far`)
        : duration(t.started_at && t.finished_at ? Date.parse(t.finished_at) - Date.parse(t.started_at) : t.duration_ms),
      cell({ title: t.finished_at ?? "" }, when(t.finished_at)),
      cell({ class: "wrap" }, t.error ? h("span", { class: "error-text" }, t.error) : text(t.output)),
    ],
    { id, compact: true, rowData: (t) => ({ serverId: t.server_id }) },
  );
}

/**
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {{ status?: OperationTarget["status"], limit: number, cursor?: string }} query
 */
function targetPage(ctx, id, query) {
  return ctx.api.get("/operations/{id}/servers", { path: { id }, query });
}
