// One group: its criteria and the servers in it (static members ∪ servers matching its criteria), a page at a time.
import { ApiError } from "../api.js";
import { badge } from "../ui/badges.js";
import { h, link, replace, segment } from "../ui/dom.js";
import { number, text, when } from "../ui/format.js";
import { swatch } from "../ui/swatch.js";
import { dataTable, pager } from "../ui/table.js";
import { criteria } from "./group-list.js";

/** @import { Group, Server, ViewContext } from "../api-types.js" */

/** Members shown at once: the API answers a group's members in one list, the console pages through it. */
export const MEMBER_PAGE = 50;

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, ctx) {
  const id = ctx.params[0] ?? "";
  /** @type {Group} */
  let group;
  try {
    group = await ctx.api.get("/groups/{id}", { path: { id } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      root.append(h("h1", {}, "Group not found"), link("/groups", "Back to groups"));
      return;
    }
    throw error;
  }
  const members = (await ctx.api.get("/groups/{id}/servers", { path: { id } })).items;
  const statics = new Set(group.server_ids);
  const list = h("div", { id: "group-members" });
  let page = 0;
  const show = () => {
    const first = page * MEMBER_PAGE;
    const shown = members.slice(first, first + MEMBER_PAGE);
    replace(
      list,
      memberTable(shown, statics),
      pager(
        page,
        first + MEMBER_PAGE < members.length ? "more" : null,
        (delta) => {
          page += delta;
          show();
          list.scrollIntoView({ block: "nearest" });
        },
        { note: `${number(first + 1)}–${number(first + shown.length)} of ${number(members.length)}` },
      ),
    );
  };
  root.append(
    h(
      "div",
      { class: "page-head" },
      h(
        "div",
        {},
        h("p", { class: "crumbs" }, link("/groups", "Groups"), " / "),
        h("h1", {}, swatch(group.color), group.name),
        group.description ? h("p", { class: "muted" }, group.description) : null,
      ),
      h("div", { class: "actions" }, link(`/operations/new?group_id=${segment(group.id)}`, "Run an operation on this group")),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Criteria"),
      criteria(group),
      h("p", { class: "muted" }, `${group.server_ids.length} static member(s); updated ${when(group.updated_at)}.`),
    ),
    h(
      "section",
      { class: "card flush", "aria-labelledby": "members-title" },
      h("h2", { id: "members-title", class: "pad" }, `Servers (${number(members.length)})`),
      members.length === 0 ? h("p", { class: "empty" }, "No servers in this group.") : list,
    ),
  );
  root.querySelector(".page-head .actions a")?.classList.add("button");
  if (members.length) show();
}

/**
 * @param {Server[]} members
 * @param {Set<string>} statics
 */
function memberTable(members, statics) {
  return dataTable(
    ["Name", "Health", "Status", "Region", "Environment", "Membership"],
    members,
    (s) => [
      link(`/servers/${segment(s.id)}`, s.name),
      badge(s.health_status),
      badge(s.status),
      text(s.region),
      text(s.environment),
      statics.has(s.id) ? "static" : "by criteria",
    ],
    { id: "group-member-table", compact: true, rowData: (s) => ({ serverId: s.id }) },
  );
}
