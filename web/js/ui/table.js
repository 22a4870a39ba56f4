// The console's list tables and their pagers: one shape for every list, so headers, row headers, scrolling
// and paging look and read alike everywhere.
import { h } from "./dom.js";

/** @import { Attributes, Child } from "./dom-types.js" */
/** @typedef {{ attrs: Attributes, content: Child[] }} Cell */

/** @type {WeakSet<object>} */
const cells = new WeakSet();

/**
 * A cell with attributes: `cell({ class: "num" }, n)`; plain content makes a cell without any.
 * @param {Attributes} attrs
 * @param {Child[]} content
 * @returns {Cell}
 */
export function cell(attrs, ...content) {
  const made = { attrs, content };
  cells.add(made);
  return made;
}

/**
 * A table of `items` in a horizontally scrolling wrapper. `columns` are the header labels; `row(item)` gives
 * the row's cells. The first cell (or the one at `rowHeaderAt`) heads its row (a `th`) unless `rowHeaders` is false; `rowData(item)` sets
 * the row's data attributes (tests and links find rows by them).
 * @template T
 * @param {Child[]} columns
 * @param {readonly T[]} items
 * @param {(item: T) => (Child | Cell)[]} row
 * @param {{ id?: string, compact?: boolean, rowHeaders?: boolean, rowHeaderAt?: number, rowData?: (item: T) => Record<string, string> }} [options]
 */
export function dataTable(columns, items, row, { id, compact = false, rowHeaders = true, rowHeaderAt = 0, rowData } = {}) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: compact ? "table compact" : "table", id },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((label) => h("th", { scope: "col" }, label)),
        ),
      ),
      h(
        "tbody",
        {},
        items.map((item) =>
          h(
            "tr",
            { dataset: rowData?.(item) },
            row(item).map((content, i) => {
              const { attrs, content: children } = isCell(content) ? content : { attrs: {}, content: [content] };
              return rowHeaders && i === rowHeaderAt ? h("th", { scope: "row", ...attrs }, children) : h("td", attrs, children);
            }),
          ),
        ),
      ),
    ),
  );
}

/**
 * Previous / next buttons over cursor pages; `go(-1)` or `go(1)` turns the page. Nothing when everything fits
 * on one page, unless `always` (a list whose filters may change it keeps its place for the pager).
 * @param {number} page
 * @param {string | null | undefined} nextCursor
 * @param {(delta: number) => void} go
 * @param {{ note?: string, always?: boolean }} [options]
 */
export function pager(page, nextCursor, go, { note = `Page ${page + 1}`, always = false } = {}) {
  if (!always && page === 0 && !nextCursor) return null;
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    h("button", { type: "button", class: "button", disabled: page === 0, onclick: () => go(-1) }, "← Previous"),
    h("span", { class: "muted" }, note),
    h("button", { type: "button", class: "button", disabled: !nextCursor, onclick: () => go(1) }, "Next →"),
  );
}

/**
 * @param {unknown} content
 * @returns {content is Cell}
 */
function isCell(content) {
  return typeof content === "object" && content !== null && cells.has(content);
}
