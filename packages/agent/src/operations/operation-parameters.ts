// Validates operation parameters against the config's declared specs and expands them into argv elements.
import type { OperationConfig, ParameterSpec } from "../config/agent-config.js";
import { RequestRejected, type ErrorDetail } from "../protocol.js";

type Value = string | string[] | number | boolean;

function checkString(value: unknown, spec: ParameterSpec, path: string, details: ErrorDetail[]): value is string {
  if (typeof value !== "string") {
    details.push({ path, message: "must be a string" });
    return false;
  }
  // NUL cannot travel in argv; anything else is passed literally, so quotes and `;` are harmless.
  if (value.includes("\0")) details.push({ path, message: "must not contain NUL" });
  else if (value.length > spec.max_length) details.push({ path, message: `must be at most ${spec.max_length} characters` });
  else if (spec.pattern && !new RegExp(spec.pattern).test(value)) details.push({ path, message: `must match ${spec.pattern}` });
  else return true;
  return false;
}

export function validateParameters(config: OperationConfig, parameters: Record<string, unknown>): Record<string, Value> {
  const details: ErrorDetail[] = [];
  const valid: Record<string, Value> = {};
  for (const key of Object.keys(parameters)) {
    if (!config.parameters[key]) details.push({ path: `parameters.${key}`, message: "unknown parameter" });
  }
  for (const [key, spec] of Object.entries(config.parameters)) {
    const path = `parameters.${key}`;
    const value = parameters[key];
    if (value === undefined || value === null) {
      if (spec.required) details.push({ path, message: "is required" });
      continue;
    }
    if (spec.type === "string") {
      if (checkString(value, spec, path, details)) valid[key] = value;
    } else if (spec.type === "string_array") {
      if (!Array.isArray(value)) details.push({ path, message: "must be a list of strings" });
      else if (value.every((v, i) => checkString(v, spec, `${path}[${i}]`, details))) valid[key] = value as string[];
    } else if (spec.type === "number") {
      if (typeof value === "number" && Number.isFinite(value)) valid[key] = value;
      else details.push({ path, message: "must be a number" });
    } else if (typeof value === "boolean") valid[key] = value;
    else details.push({ path, message: "must be true or false" });
  }
  if (details.length > 0)
    throw new RequestRejected(400, "validation_failed", `invalid parameters: ${details[0]!.path} ${details[0]!.message}`, details);
  return valid;
}

/** "{name}" becomes one argv element, "{name...}" spreads a list; an absent optional parameter drops the element. */
export function expandArgv(template: readonly string[], values: Record<string, Value>): string[] {
  const argv: string[] = [];
  for (const element of template) {
    const ref = /^\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}$/.exec(element);
    if (!ref) {
      argv.push(element);
      continue;
    }
    const value = values[ref[1]!];
    if (value === undefined) continue;
    if (Array.isArray(value)) argv.push(...value);
    else argv.push(String(value));
  }
  return argv;
}
