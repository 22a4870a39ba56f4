// Groups: each with its colour, criteria and static members; a group opens on its member servers.
import { h, link, segment } from "../ui/dom.js";
import { text } from "../ui/format.js";
import { swatch } from "../ui/swatch.js";
import { cell, dataTable } from "../ui/table.js";

/**
 * @param {HTMLElement} root
 * @param {import("../api-types.js").ViewContext} ctx
 */
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
          dataTable(
            ["Name", "Description", "Criteria", "Static members"],
            groups,
            (g) => [
              [swatch(g.color), link(`/groups/${segment(g.id)}`, g.name)],
              cell({ class: "wrap" }, text(g.description)),
              criteria(g),
              cell({ class: "num" }, String(g.server_ids.length)),
            ],
            { rowData: (g) => ({ groupId: g.id }) },
          ),
        ),
  );
}

/** @param {import("../api-types.js").Group} g */
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
  // Separated in the text itself, not only by layout, so they read apart when copied or read aloud.
  const separated = parts.flatMap((part, i) => (i === 0 ? [part] : ["; ", part]));
  return parts.length ? h("span", { class: "criteria" }, separated) : h("span", { class: "muted" }, "static only");
}
