// Turns repeated --param key=value into an operation's parameters, typed by that type's schema in the API document.
import type { FleetplaneClient } from "@fleetplane/client";
import { UsageError } from "./exit-codes.js";

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
}

interface ApiDocument {
  components?: { schemas?: Record<string, JsonSchema & { enum?: string[] }> };
}

/** `restart_services` → `RestartServicesParameters`, the component the API publishes for the type. */
export const parametersComponent = (type: string) =>
  `${type.replace(/(^|_)(\w)/g, (_m, _s: string, c: string) => c.toUpperCase())}Parameters`;

export interface OperationTypes {
  types: string[] | undefined;
  schemaOf(type: string): JsonSchema | undefined;
}

/** The operation types and their parameter schemas from the API's own document (so the CLI follows the server it talks to). */
export async function operationTypes(client: FleetplaneClient): Promise<OperationTypes> {
  const document = await client.request<ApiDocument>("GET", "/api/v1/openapi.json").catch(() => ({}) as ApiDocument);
  const schemas = document.components?.schemas ?? {};
  return { types: schemas.OperationType?.enum as string[] | undefined, schemaOf: (type) => schemas[parametersComponent(type)] };
}

export function parseParameters(assignments: string[], schema: JsonSchema | undefined, type: string): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param takes key=value, got "${assignment}"`);
    const [key, ...nested] = assignment.slice(0, eq).split(".");
    const raw = assignment.slice(eq + 1);
    const property = schema?.properties?.[key!];
    if (schema && !property && schema.additionalProperties === false) {
      const known = Object.keys(schema.properties ?? {});
      throw new UsageError(
        `${type} takes no parameter "${key}"${known.length ? ` (its parameters: ${known.join(", ")})` : " (it takes none)"}`,
      );
    }
    if (nested.length) {
      const target = (parameters[key!] ??= {}) as Record<string, unknown>;
      if (typeof target !== "object" || Array.isArray(target)) throw new UsageError(`--param ${key} is not an object`);
      setPath(target, nested, looseValue(raw));
    } else if (kind(property) === "array") {
      const values = raw === "" ? [] : raw.split(",").map((v) => typed(v.trim(), property?.items, `${key}`));
      parameters[key!] = [...((parameters[key!] as unknown[] | undefined) ?? []), ...values];
    } else {
      parameters[key!] = property ? typed(raw, property, key!) : looseValue(raw);
    }
  }
  return parameters;
}

function kind(schema: JsonSchema | undefined): string | undefined {
  const type = schema?.type;
  return Array.isArray(type) ? type.find((t) => t !== "null") : type;
}

function typed(raw: string, schema: JsonSchema | undefined, key: string): unknown {
  switch (kind(schema)) {
    case "boolean":
      if (/^(true|yes|1)$/i.test(raw)) return true;
      if (/^(false|no|0)$/i.test(raw)) return false;
      throw new UsageError(`--param ${key} is true or false`);
    case "integer":
    case "number": {
      const n = Number(raw);
      if (raw === "" || !Number.isFinite(n)) throw new UsageError(`--param ${key} is a number`);
      return n;
    }
    case "object":
    case "array":
      try {
        return JSON.parse(raw);
      } catch {
        throw new UsageError(`--param ${key} takes JSON (or ${key}.field=value)`);
      }
    case "string":
      return raw;
    default:
      return looseValue(raw);
  }
}

/** A value with no schema to go by: JSON when it parses (numbers, booleans, objects), else the text. */
function looseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
}
