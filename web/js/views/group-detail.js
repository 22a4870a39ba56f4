// One group: its criteria and the servers in it (static members ∪ servers matching its criteria).
import { ApiError } from "../api.js";
import { badge } from "../ui/badges.js";
import { h, link, segment } from "../ui/dom.js";
import { text, when } from "../ui/format.js";
import { swatch } from "../ui/swatch.js";
import { dataTable } from "../ui/table.js";
import { criteria } from "./group-list.js";

export async function render(root, ctx) {
  const [id] = ctx.params;
  let group;
  try {
    group = await ctx.api.get(`/groups/${segment(id)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      root.append(h("h1", {}, "Group not found"), link("/groups", "Back to groups"));
      return;
    }
    throw error;
  }
  const members = (await ctx.api.get(`/groups/${segment(id)}/servers`)).items ?? [];
  const statics = new Set(group.server_ids);
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
      h("h2", { id: "members-title", class: "pad" }, `Servers (${members.length})`),
      members.length === 0
        ? h("p", { class: "empty" }, "No servers in this group.")
        : dataTable(["Name", "Health", "Status", "Region", "Environment", "Membership"], members, (s) => [
            link(`/servers/${segment(s.id)}`, s.name),
            badge(s.health_status),
            badge(s.status),
            text(s.region),
            text(s.environment),
            statics.has(s.id) ? "static" : "by criteria",
          ]),
    ),
  );
  root.querySelector(".page-head .actions a").classList.add("button");
}
