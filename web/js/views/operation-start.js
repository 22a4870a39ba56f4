// Start a bulk operation (operator): choose targets, limits and parameters; preview the targets with a dry run.
import { ApiError } from "../api.js";
import { badge } from "../ui/badges.js";
import { h, link, replace, segment } from "../ui/dom.js";
import { clearErrors, field, list, showErrors } from "../ui/form.js";
import { label, number, text } from "../ui/format.js";
import { infoNotice } from "../ui/notice.js";
import { dataTable } from "../ui/table.js";

const TYPES = ["restart_services", "update_config", "deploy_update", "run_health_check", "collect_diagnostics"];
const HEALTH = ["healthy", "degraded", "critical", "unreachable", "unknown"];

export async function render(root, ctx) {
  let groups = [];
  try {
    groups = (await ctx.api.get("/groups")).items ?? [];
  } catch {
    // Groups are optional targets; the form still works with server ids and filters.
  }
  const preselected = new Set(ctx.query.getAll("group_id"));
  const preview = h("section", { class: "card", "aria-live": "polite", hidden: true, id: "dry-run" });

  const groupBoxes = groups.length
    ? h(
        "fieldset",
        { class: "field checks", dataset: { field: "group_ids" } },
        h("legend", {}, "Groups"),
        groups.map((g) =>
          h("label", {}, h("input", { type: "checkbox", name: "group_ids", value: g.id, checked: preselected.has(g.id) }), ` ${g.name}`),
        ),
        h("p", { class: "field-error", hidden: true }),
      )
    : null;
  const healthBoxes = h(
    "fieldset",
    { class: "field checks", dataset: { field: "filter_criteria" } },
    h("legend", {}, "Only servers whose health is"),
    HEALTH.map((s) => h("label", {}, h("input", { type: "checkbox", name: "health_statuses", value: s }), " ", badge(s))),
    h("p", { class: "field-error", hidden: true }),
  );

  const dryRun = h("button", { type: "submit", class: "button", value: "dry_run", name: "intent" }, "Preview targets (dry run)");
  const start = h("button", { type: "submit", class: "button primary", value: "start", name: "intent" }, "Start operation");
  const form = h(
    "form",
    { class: "card form", novalidate: true, "aria-labelledby": "start-title" },
    h(
      "div",
      { class: "form-grid" },
      field(
        "Operation",
        h(
          "select",
          { name: "operation_type", required: true },
          TYPES.map((t) => h("option", { value: t }, label(t))),
        ),
      ),
      field(
        "Server IDs",
        h("textarea", { name: "server_ids", rows: 2, spellcheck: "false" }),
        "Optional; separated by commas, spaces or lines.",
      ),
      field("Tags", h("input", { name: "tags", spellcheck: "false" }), "Servers carrying all of these tags."),
      field("Regions", h("input", { name: "regions", spellcheck: "false" })),
      field("Environments", h("input", { name: "environments", spellcheck: "false" })),
      field("Max concurrency", h("input", { name: "max_concurrency", value: "10" }), 'Servers at once: a number or "N%".'),
      field(
        "Max errors",
        h("input", { name: "max_errors", value: "0" }),
        'Failures tolerated before no new server starts: a number or "N%".',
      ),
      field("Timeout (seconds)", h("input", { name: "timeout_seconds", type: "number", min: 1, max: 600, value: "300" })),
    ),
    groupBoxes,
    healthBoxes,
    field("Parameters (JSON)", h("textarea", { name: "parameters", rows: 3, spellcheck: "false", placeholder: '{"services": ["api"]}' })),
    h("p", { class: "hint" }, "With no server IDs and no groups, the filters select from the whole fleet."),
    h("div", { class: "form-status", "aria-live": "polite" }),
    h("div", { class: "actions" }, dryRun, start, link("/operations", "Cancel")),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const intent = event.submitter?.value ?? "dry_run";
    let body;
    try {
      body = requestBody(form, intent === "dry_run");
    } catch (error) {
      showErrors(form, error);
      return;
    }
    for (const b of [dryRun, start]) b.disabled = true;
    try {
      const result = await ctx.api.post("/operations", body);
      if (body.dry_run) showPreview(preview, result);
      else ctx.navigate(`/operations/${segment(result.id)}`);
    } catch (error) {
      showErrors(form, error);
    } finally {
      for (const b of [dryRun, start]) b.disabled = false;
    }
  });

  root.append(
    h(
      "div",
      { class: "page-head" },
      h(
        "div",
        {},
        h("p", { class: "crumbs" }, link("/operations", "Operations"), " / "),
        h("h1", { id: "start-title" }, "Start an operation"),
      ),
    ),
    form,
    preview,
  );
}

function requestBody(form, dryRun) {
  const data = new FormData(form);
  const countOrPercent = (name) => {
    const raw = String(data.get(name) ?? "").trim();
    return /^\d+$/.test(raw) ? Number(raw) : raw || undefined;
  };
  let parameters = {};
  const rawParameters = String(data.get("parameters") ?? "").trim();
  if (rawParameters) {
    try {
      parameters = JSON.parse(rawParameters);
    } catch {
      throw new ApiError(400, "validation", "parameters must be JSON", [
        { path: "parameters", message: "Parameters must be a JSON object." },
      ]);
    }
  }
  const filter = {
    tags: list(data.get("tags")),
    regions: list(data.get("regions")),
    environments: list(data.get("environments")),
    health_statuses: data.getAll("health_statuses").length ? data.getAll("health_statuses").map(String) : undefined,
  };
  const hasFilter = Object.values(filter).some(Boolean);
  const timeout = String(data.get("timeout_seconds") ?? "").trim();
  return {
    operation_type: String(data.get("operation_type")),
    server_ids: list(data.get("server_ids")),
    group_ids: data.getAll("group_ids").length ? data.getAll("group_ids").map(String) : undefined,
    filter_criteria: hasFilter ? filter : undefined,
    parameters,
    max_concurrency: countOrPercent("max_concurrency"),
    max_errors: countOrPercent("max_errors"),
    timeout_seconds: timeout ? Number(timeout) : undefined,
    dry_run: dryRun,
  };
}

function showPreview(el, result) {
  el.hidden = false;
  replace(
    el,
    h("h2", {}, "Dry run: nothing was started"),
    infoNotice(
      `${number(result.total_servers)} server(s) would run ${label(result.operation_type)}, ${number(result.effective_max_concurrency)} at a time, stopping after ${number(result.effective_max_errors)} failure(s).`,
    ),
    result.servers?.length
      ? dataTable(
          ["Server", "Hostname", "Health", "Region", "Environment"],
          result.servers,
          (s) => [link(`/servers/${segment(s.id)}`, s.name), s.hostname, badge(s.health_status), text(s.region), text(s.environment)],
          { id: "dry-run-targets", compact: true },
        )
      : h("p", { class: "muted" }, "No server matches these targets."),
  );
  el.scrollIntoView({ block: "nearest" });
}
