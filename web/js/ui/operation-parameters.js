// A form per operation type of the catalog (packages/core/src/operations/kinds): fields in, parameters out,
// so no operator writes JSON. Field names are the parameters' paths, so the API's 400 details land beside them.
import { ApiError } from "../api.js";
import { h } from "./dom.js";
import { field, list } from "./form.js";

/** @import { OperationType } from "../api-types.js" */
/** @import { Child } from "./dom-types.js" */
/**
 * An operation type's form: its fields (filled from earlier parameters, as a retry's) and how they read back.
 * @typedef {{ fields: (values: Record<string, any>) => Child, read: (data: FormData) => Record<string, unknown> }} ParameterForm
 */

/** @type {OperationType[]} */
export const TYPES = ["restart_services", "update_config", "deploy_update", "run_health_check", "collect_diagnostics"];

/** @type {ParameterForm} */
const none = {
  fields: () => h("p", { class: "hint" }, "This operation takes no parameters."),
  read: () => ({}),
};

/**
 * "key=value" lines → an object; true/false and numbers keep their type.
 * @param {unknown} raw
 */
function settingsOf(raw) {
  /** @type {Record<string, string | number | boolean>} */
  const config = {};
  const lines = String(raw ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const at = line.indexOf("=");
    if (at <= 0)
      throw new ApiError(400, "validation", "settings need key=value", [
        { path: "parameters.config", message: `Line ${i + 1} is not key=value.` },
      ]);
    const value = line.slice(at + 1).trim();
    config[line.slice(0, at).trim()] =
      value === "true" ? true : value === "false" ? false : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return config;
}

/** @type {Record<OperationType, ParameterForm>} */
export const PARAMETER_FORMS = {
  restart_services: {
    fields: (v) =>
      field(
        "Services",
        h("input", { name: "parameters.services", spellcheck: "false", value: (v.services ?? []).join(", "), required: true }),
        "Service names, separated by commas or spaces.",
      ),
    read: (data) => ({ services: list(data.get("parameters.services")) ?? [] }),
  },
  update_config: {
    fields: (v) => [
      field(
        "Settings",
        h("textarea", {
          name: "parameters.config",
          rows: 3,
          spellcheck: "false",
          placeholder: "log_level=debug",
          value: Object.entries(v.config ?? {})
            .map(([k, x]) => `${k}=${x}`)
            .join("\n"),
        }),
        "One key=value per line.",
      ),
      h(
        "div",
        { class: "field", dataset: { field: "parameters.reload" } },
        h(
          "label",
          {},
          h("input", { type: "checkbox", name: "parameters.reload", checked: v.reload === true }),
          " Reload the services that read them",
        ),
      ),
    ],
    read: (data) => ({ config: settingsOf(data.get("parameters.config")), ...(data.get("parameters.reload") ? { reload: true } : {}) }),
  },
  deploy_update: {
    fields: (v) => [
      field("Version", h("input", { name: "parameters.version", spellcheck: "false", value: v.version ?? "", required: true })),
      field(
        "Artifact URL",
        h("input", { name: "parameters.artifact_url", type: "url", spellcheck: "false", value: v.artifact_url ?? "" }),
        "Optional; https only.",
      ),
    ],
    read: (data) => {
      const url = String(data.get("parameters.artifact_url") ?? "").trim();
      return { version: String(data.get("parameters.version") ?? "").trim(), ...(url ? { artifact_url: url } : {}) };
    },
  },
  run_health_check: none,
  collect_diagnostics: none,
};
