// Start a bulk operation (operator) in three steps: configure (type, a form per type, limits, targets), review
// the resolved targets (a dry run), confirm (typing the count or "production" for large or production runs).
import { badge } from "../ui/badges.js";
import { h, link, replace, segment } from "../ui/dom.js";
import { clearErrors, field, list, showErrors } from "../ui/form.js";
import { label, number, text } from "../ui/format.js";
import { errorNotice, infoNotice } from "../ui/notice.js";
import { PARAMETER_FORMS, TYPES } from "../ui/operation-parameters.js";
import { dataTable } from "../ui/table.js";

/** @import { FilterCriteria, Group, OperationCreate, OperationDryRun, OperationType, ViewContext } from "../api-types.js" */
/** @typedef {Pick<OperationCreate, "server_ids" | "group_ids" | "filter_criteria">} Targets */
/** @typedef {Omit<OperationCreate, "dry_run">} Request */
/**
 * What the address brings to the form: a title, the type and parameters to start from, and the targets when
 * they were chosen elsewhere (with how to describe them).
 * @typedef {{ title: string, type: OperationType, parameters: Record<string, any>, targets: Targets | null, describe?: string }} Preset
 */

/** @type {FilterCriteria["health_statuses"] & {}} */
const HEALTH = ["healthy", "degraded", "critical", "unreachable", "unknown"];
/** Above this many targets (or with any production server) starting needs a typed confirmation. */
export const CONFIRM_ABOVE = 20;
/** Targets listed in the review; the counts cover them all. */
const REVIEW_ROWS = 100;

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, ctx) {
  const preset = await presetOf(ctx);
  /** @type {Group[]} */
  let groups = [];
  if (!preset.targets) {
    try {
      groups = (await ctx.api.get("/groups")).items;
    } catch {
      // Groups are optional targets; the form still works with server ids and filters.
    }
  }
  const preselected = new Set(ctx.query.getAll("group_id"));
  const review = h("section", { class: "card", "aria-labelledby": "review-title", hidden: true, id: "review" });

  const typeSelect = h(
    "select",
    { name: "operation_type", required: true },
    TYPES.map((t) => h("option", { value: t, selected: t === preset.type }, label(t))),
  );
  const parameterBox = h("fieldset", { class: "field parameters", id: "parameters" });
  /** @param {Record<string, any>} values */
  const showParameters = (values) =>
    replace(
      parameterBox,
      h("legend", {}, `Parameters of ${label(typeSelect.value)}`),
      PARAMETER_FORMS[typeOf(typeSelect.value)].fields(values),
    );
  showParameters(preset.parameters);
  typeSelect.addEventListener("change", () => showParameters({}));

  const next = h("button", { type: "submit", class: "button primary" }, "Review targets");
  const form = h(
    "form",
    { class: "card form", novalidate: true, "aria-labelledby": "step-configure" },
    h("h2", { id: "step-configure" }, "1. Configure"),
    preset.targets ? targetSummary(preset) : targetFields(groups, preselected),
    h("div", { class: "form-grid" }, field("Operation", typeSelect)),
    parameterBox,
    h(
      "div",
      { class: "form-grid" },
      field("Max concurrency", h("input", { name: "max_concurrency", value: "10" }), 'Servers at once: a number or "N%".'),
      field(
        "Max errors",
        h("input", { name: "max_errors", value: "0" }),
        'Failures tolerated before no new server starts: a number or "N%".',
      ),
      field("Timeout (seconds)", h("input", { name: "timeout_seconds", type: "number", min: 1, max: 600, value: "300" })),
    ),
    h("div", { class: "form-status", "aria-live": "polite" }),
    h("div", { class: "actions" }, next, link("/operations", "Cancel")),
  );

  // Any change to the inputs makes the review out of date: it goes until the next dry run.
  form.addEventListener("input", () => (review.hidden = true));
  form.addEventListener("change", () => (review.hidden = true));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    let body;
    try {
      body = requestBody(form, preset);
    } catch (error) {
      showErrors(form, error);
      return;
    }
    next.disabled = true;
    try {
      // A dry run answers 200 with the resolved targets (a start answers 202 with the operation).
      const result = /** @type {OperationDryRun} */ (await ctx.api.post("/operations", { ...body, dry_run: true }));
      showReview(review, result, body, ctx);
    } catch (error) {
      showErrors(form, error);
    } finally {
      next.disabled = false;
    }
  });

  root.append(
    h(
      "div",
      { class: "page-head" },
      h("div", {}, h("p", { class: "crumbs" }, link("/operations", "Operations"), " / "), h("h1", { id: "start-title" }, preset.title)),
    ),
    form,
    review,
  );
}

/**
 * What the address brings: servers picked in the inventory, a filter selected whole, or a retry of failed servers.
 * @param {ViewContext} ctx
 * @returns {Promise<Preset>}
 */
async function presetOf(ctx) {
  const q = ctx.query;
  const retryOf = q.get("retry_of");
  if (retryOf) {
    const op = await ctx.api.get("/operations/{id}", { path: { id: retryOf } });
    /** @type {string[]} */
    const ids = [];
    /** @type {string | undefined} */
    let cursor;
    do {
      const page = await ctx.api.get("/operations/{id}/servers", {
        path: { id: retryOf },
        query: { status: "failed", limit: 100, cursor },
      });
      ids.push(...page.items.map((t) => t.server_id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor && ids.length < 10_000);
    return {
      title: "Retry failed servers",
      type: op.operation_type,
      parameters: op.parameters ?? {},
      targets: { server_ids: ids },
      describe: `${number(ids.length)} server(s) that failed in operation ${retryOf}`,
    };
  }
  const type = typeOf(q.get("operation_type"));
  const ids = q.getAll("server_id");
  if (ids.length)
    return {
      title: "Run an operation",
      type,
      parameters: {},
      targets: { server_ids: ids },
      describe: `${number(ids.length)} selected server(s)`,
    };
  if (q.get("match") === "filter") {
    const one = (/** @type {string} */ name) => (q.get(name) ? [String(q.get(name))] : undefined);
    const health = HEALTH.find((s) => s === q.get("health_status"));
    /** @type {FilterCriteria} */
    const filter = {
      regions: one("region"),
      environments: one("environment"),
      health_statuses: health ? [health] : undefined,
      tags: q.getAll("tag").length ? q.getAll("tag") : undefined,
    };
    const said = Object.entries(filter).flatMap(([k, v]) => (v ? [`${label(k)} ${v.join(", ")}`] : []));
    return {
      title: "Run an operation",
      type,
      parameters: {},
      // An empty filter is the whole active fleet: the API needs some target, and {} selects from every server.
      targets: { filter_criteria: filter },
      describe: said.length ? `Every active server matching ${said.join("; ")}` : "Every active server",
    };
  }
  return { title: "Start an operation", type, parameters: {}, targets: null };
}

/** @param {Preset} preset */
function targetSummary(preset) {
  return h(
    "div",
    { class: "field", id: "targets" },
    h("p", { class: "target-summary" }, h("strong", {}, "Targets: "), preset.describe),
    link("/servers", "Change the selection"),
  );
}

/**
 * @param {Group[]} groups
 * @param {Set<string>} preselected
 */
function targetFields(groups, preselected) {
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
  return [
    h(
      "div",
      { class: "form-grid" },
      field(
        "Server IDs",
        h("textarea", { name: "server_ids", rows: 2, spellcheck: "false" }),
        "Optional; separated by commas, spaces or lines.",
      ),
      field("Tags", h("input", { name: "tags", spellcheck: "false" }), "Servers carrying all of these tags."),
      field("Regions", h("input", { name: "regions", spellcheck: "false" })),
      field("Environments", h("input", { name: "environments", spellcheck: "false" })),
    ),
    groupBoxes,
    h(
      "fieldset",
      { class: "field checks", dataset: { field: "filter_criteria" } },
      h("legend", {}, "Only servers whose health is"),
      HEALTH.map((s) => h("label", {}, h("input", { type: "checkbox", name: "health_statuses", value: s }), " ", badge(s))),
      h("p", { class: "field-error", hidden: true }),
    ),
    h(
      "p",
      { class: "hint" },
      "With no server IDs and no groups, the filters select from the whole fleet. Select servers in the inventory to target them directly.",
    ),
  ];
}

/**
 * @param {HTMLFormElement} form
 * @param {Preset} preset
 * @returns {Request}
 */
function requestBody(form, preset) {
  const data = new FormData(form);
  /** @param {string} name */
  const countOrPercent = (name) => {
    const raw = String(data.get(name) ?? "").trim();
    return /^\d+$/.test(raw) ? Number(raw) : raw || undefined;
  };
  const type = typeOf(data.get("operation_type"));
  const parameters = PARAMETER_FORMS[type].read(data);
  let targets = preset.targets;
  if (!targets) {
    const health = HEALTH.filter((s) => data.getAll("health_statuses").includes(s));
    /** @type {FilterCriteria} */
    const filter = {
      tags: list(data.get("tags")),
      regions: list(data.get("regions")),
      environments: list(data.get("environments")),
      health_statuses: health.length ? health : undefined,
    };
    targets = {
      server_ids: list(data.get("server_ids")),
      group_ids: data.getAll("group_ids").length ? data.getAll("group_ids").map(String) : undefined,
      filter_criteria: Object.values(filter).some(Boolean) ? filter : undefined,
    };
  }
  const timeout = String(data.get("timeout_seconds") ?? "").trim();
  return {
    operation_type: type,
    ...targets,
    parameters,
    max_concurrency: countOrPercent("max_concurrency") ?? 10,
    max_errors: countOrPercent("max_errors") ?? 0,
    timeout_seconds: timeout ? Number(timeout) : 300,
  };
}

/**
 * What the operator must type before starting, or null when a click will do.
 * @param {number} total
 * @param {Map<string, number>} environments
 */
export function confirmationFor(total, environments) {
  if (environments.has("production")) return "production";
  if (total > CONFIRM_ABOVE) return String(total);
  return null;
}

/**
 * @param {HTMLElement} el
 * @param {OperationDryRun} result
 * @param {Request} body
 * @param {ViewContext} ctx
 */
function showReview(el, result, body, ctx) {
  el.hidden = false;
  const servers = result.servers;
  /** @type {Map<string, number>} */
  const byEnvironment = new Map();
  for (const s of servers) byEnvironment.set(s.environment ?? "none", (byEnvironment.get(s.environment ?? "none") ?? 0) + 1);
  const required = confirmationFor(result.total_servers, byEnvironment);
  const start = h(
    "button",
    { type: "button", class: "button primary", disabled: result.total_servers === 0 || required !== null },
    "Start operation",
  );
  const status = h("div", { class: "form-status", "aria-live": "polite" });
  const typed = required ? h("input", { id: "confirm-input", name: "confirm", autocomplete: "off", spellcheck: "false" }) : null;
  typed?.addEventListener("input", () => (start.disabled = typed.value.trim() !== required));
  start.addEventListener("click", async () => {
    start.disabled = true;
    try {
      const op = /** @type {import("../api-types.js").Operation} */ (await ctx.api.post("/operations", { ...body, dry_run: false }));
      ctx.navigate(`/operations/${segment(op.id)}`);
    } catch (error) {
      status.replaceChildren(errorNotice(error));
      start.disabled = false;
    }
  });
  replace(
    el,
    h("h2", { id: "review-title" }, "2. Review targets (dry run: nothing started yet)"),
    infoNotice(
      `${number(result.total_servers)} server(s) would run ${label(result.operation_type)}, ${number(result.effective_max_concurrency)} at a time, stopping after ${number(result.effective_max_errors)} failure(s).`,
    ),
    h("p", { class: "muted", id: "review-environments" }, [...byEnvironment].map(([env, n]) => `${env}: ${number(n)}`).join(" · ")),
    servers.length
      ? dataTable(
          ["Server", "Hostname", "Health", "Region", "Environment"],
          servers.slice(0, REVIEW_ROWS),
          (s) => [link(`/servers/${segment(s.id)}`, s.name), s.hostname, badge(s.health_status), text(s.region), text(s.environment)],
          { id: "dry-run-targets", compact: true },
        )
      : h("p", { class: "muted" }, "No server matches these targets."),
    servers.length > REVIEW_ROWS ? h("p", { class: "muted" }, `Showing ${REVIEW_ROWS} of ${number(servers.length)}.`) : null,
    h(
      "div",
      { id: "confirm", class: "confirm" },
      h("h2", {}, "3. Confirm"),
      required
        ? h(
            "div",
            { class: "field" },
            h(
              "label",
              { for: "confirm-input" },
              required === "production"
                ? 'The targets include production servers. Type "production" to start.'
                : `This runs on ${number(result.total_servers)} servers. Type ${required} to start.`,
            ),
            typed,
          )
        : null,
      status,
      h("div", { class: "actions" }, start),
    ),
  );
  el.scrollIntoView({ block: "nearest" });
  (typed ?? start).focus();
}

/**
 * A type from the address or the form; the first of the catalog when it names none.
 * @param {unknown} value
 * @returns {OperationType}
 */
function typeOf(value) {
  return TYPES.find((t) => t === value) ?? "restart_services";
}
