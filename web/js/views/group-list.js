// Groups: each with its colour, criteria and static members; a group opens on its member servers.
import { h, link, segment } from "../ui/dom.js";
import { text } from "../ui/format.js";
import { swatch } from "../ui/swatch.js";

export async function render(root, ctx) {
  const body = await ctx.api.get("/groups");
  const groups = body.items ?? [];
  root.append(
    h("div", { class: "page-head" }, h("h1", {}, "Groups")),
    groups.length === 0
      ? h("p", { class: "card empty" }, "No groups yet. Groups are created through the API (POST /api/v1/fleet/groups).")
      : h(
          "section",
          { class: "card flush" },
          h(
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
                  ["Name", "Description", "Criteria", "Static members"].map((t) => h("th", { scope: "col" }, t)),
                ),
              ),
              h(
                "tbody",
                {},
                groups.map((g) =>
                  h(
                    "tr",
                    { dataset: { groupId: g.id } },
                    h("th", { scope: "row" }, swatch(g.color), link(`/groups/${segment(g.id)}`, g.name)),
                    h("td", { class: "wrap" }, text(g.description)),
                    h("td", {}, criteria(g)),
                    h("td", { class: "num" }, String(g.server_ids.length)),
                  ),
                ),
              ),
            ),
          ),
        ),
  );
}

export function criteria(g) {
  const parts = [];
  if (g.tags.length)
    parts.push(
      h(
        "span",
        {},
        "tags ",
        g.tags.map((t) => h("span", { class: "tag" }, t)),
      ),
    );
  if (g.regions.length) parts.push(h("span", {}, `regions ${g.regions.join(", ")}`));
  if (g.environments.length) parts.push(h("span", {}, `environments ${g.environments.join(", ")}`));
  return parts.length ? h("span", { class: "criteria" }, parts) : h("span", { class: "muted" }, "static only");
}
