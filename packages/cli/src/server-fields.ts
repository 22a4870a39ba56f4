// The registration fields of a server, as command-line options and as import columns, and how a row becomes a body.
import { readFileSync } from "node:fs";
import type { ServerCreate } from "@fleetplane/client";
import { list, text, type OptionSpec, type OptionValues } from "./command.js";
import { UsageError } from "./exit-codes.js";

/** Every field `POST /servers` accepts, in the order tables and files use. */
export const REGISTRATION_FIELDS = [
  "name",
  "hostname",
  "api_url",
  "api_token",
  "region",
  "environment",
  "tags",
  "description",
  "version",
  "status",
  "metadata",
] as const;
export type RegistrationField = (typeof REGISTRATION_FIELDS)[number];

export const SERVER_OPTIONS: OptionSpec = {
  name: { type: "string" },
  hostname: { type: "string" },
  "api-url": { type: "string" },
  "api-token": { type: "string" },
  "api-token-file": { type: "string" },
  region: { type: "string" },
  environment: { type: "string" },
  tag: { type: "string", multiple: true },
  description: { type: "string" },
  version: { type: "string" },
  status: { type: "string" },
  metadata: { type: "string" },
};

export const SERVER_OPTIONS_HELP = [
  "--name NAME              unique in the organization: letters, digits, . - _",
  "--hostname HOST",
  "--api-url URL            the agent's base URL (https; http://127.0.0.1 in development mode)",
  "--api-token TOKEN        the agent's bearer token (stored encrypted, never shown again)",
  "--api-token-file FILE    read the token from a file instead (keeps it out of the process list)",
  "--region R  --environment E  --description D  --version V",
  "--tag T                  repeatable; replaces all tags on update",
  "--status S               active | inactive | maintenance (update: also decommissioned)",
  "--metadata JSON          a JSON object",
];

/** The fields given as options; only those present, so an update changes nothing else. */
export function serverFieldsFromOptions(values: OptionValues): Partial<ServerCreate> {
  const body: Record<string, unknown> = {};
  const copy = (option: string, field: string) => {
    const value = text(values, option);
    if (value !== undefined) body[field] = value;
  };
  copy("name", "name");
  copy("hostname", "hostname");
  copy("api-url", "api_url");
  copy("api-token", "api_token");
  const tokenFile = text(values, "api-token-file");
  if (tokenFile) body.api_token = readFileSync(tokenFile, "utf8").trim();
  for (const field of ["region", "environment", "description", "version", "status"]) copy(field, field);
  if (values.tag !== undefined) body.tags = list(values, "tag");
  const metadata = text(values, "metadata");
  if (metadata !== undefined) body.metadata = parseJsonObject(metadata, "--metadata");
  return body as Partial<ServerCreate>;
}

export function parseJsonObject(source: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch {
    throw new UsageError(`${what} must be a JSON object, e.g. '{"rack": "b2"}'`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError(`${what} must be a JSON object`);
  return parsed as Record<string, unknown>;
}
