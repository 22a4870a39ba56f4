// The agent's configuration: its shape, defaults, and validation with messages that name the bad field.
import { isPassableVariable } from "../operations/command-environment.js";
import { isOperationType, OPERATION_TYPES, type OperationType } from "../protocol.js";

export type DatabaseCheckConfig = { type: "tcp"; host: string; port: number } | { type: "command"; argv: string[] };
export interface RedisCheckConfig {
  host: string;
  port: number;
  password?: string;
}
export type ServicesCheckConfig = { type: "systemd"; units: string[] } | { type: "command"; argv: string[] };
export interface HttpCheckConfig {
  name: string;
  url: string;
  expect_status: number;
  critical: boolean;
}

export interface ParameterSpec {
  type: "string" | "string_array" | "number" | "boolean";
  required: boolean;
  /** Each string (or array element) must match; recommended, e.g. "^[a-z0-9@._-]+$" for unit names. */
  pattern?: string;
  max_length: number;
}

export interface OperationConfig {
  /** Commands run in order as argv (never through a shell); "{name}" / "{name...}" elements take parameters. */
  commands: string[][];
  parameters: Record<string, ParameterSpec>;
  timeout_seconds: number;
}

export interface AgentConfig {
  host: string;
  port: number;
  token: string;
  tls?: { cert_file: string; key_file: string };
  version: string;
  checks: {
    timeout_ms: number;
    database?: DatabaseCheckConfig;
    redis?: RedisCheckConfig;
    services?: ServicesCheckConfig;
    http: HttpCheckConfig[];
  };
  metrics: {
    disk_mounts: string[];
    buffer_minutes: number;
    sample_interval_seconds: number;
    app_counters?: { file: string } | { url: string };
  };
  /** Variables of the agent's environment passed to commands besides the base allowlist (command-environment.ts). */
  command_env: string[];
  /** Only the listed types run; a type without commands is a built-in (run_health_check, collect_diagnostics). */
  operations: Partial<Record<OperationType, OperationConfig>>;
}

export class ConfigInvalid extends Error {}

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

function fail(path: string, message: string): never {
  throw new ConfigInvalid(`config ${path}: ${message}`);
}

function str(raw: Raw, key: string, path: string, fallback?: string): string {
  const v = raw[key] ?? fallback;
  if (typeof v !== "string" || v.length === 0) fail(`${path}.${key}`, "must be a non-empty string");
  return v;
}

function num(raw: Raw, key: string, path: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = raw[key] ?? fallback;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max)
    fail(`${path}.${key}`, `must be a number between ${min} and ${max}`);
  return n;
}

function argv(v: unknown, path: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((a) => typeof a === "string"))
    fail(path, "must be a non-empty list of strings (argv)");
  return v as string[];
}

function obj(raw: Raw, key: string, path: string): Raw | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail(`${path}.${key}`, "must be a mapping");
  return v;
}

function parseDatabase(raw: Raw): DatabaseCheckConfig {
  if (raw.argv !== undefined || raw.type === "command") return { type: "command", argv: argv(raw.argv, "checks.database.argv") };
  return { type: "tcp", host: str(raw, "host", "checks.database", "127.0.0.1"), port: num(raw, "port", "checks.database", 5432, 1, 65535) };
}

function parseServices(raw: Raw): ServicesCheckConfig {
  if (raw.argv !== undefined || raw.type === "command") return { type: "command", argv: argv(raw.argv, "checks.services.argv") };
  const units = raw.units;
  if (!Array.isArray(units) || !units.every((u) => typeof u === "string" && /^[A-Za-z0-9@._:\\-]+$/.test(u))) {
    fail("checks.services.units", "must be a list of systemd unit names");
  }
  return { type: "systemd", units: units as string[] };
}

function parseParameter(raw: unknown, path: string): ParameterSpec {
  if (!isObject(raw)) fail(path, "must be a mapping");
  const type = raw.type ?? "string";
  if (type !== "string" && type !== "string_array" && type !== "number" && type !== "boolean") {
    fail(`${path}.type`, "must be string, string_array, number or boolean");
  }
  if (raw.pattern !== undefined) {
    if (typeof raw.pattern !== "string") fail(`${path}.pattern`, "must be a regular expression string");
    try {
      new RegExp(raw.pattern);
    } catch {
      fail(`${path}.pattern`, "is not a valid regular expression");
    }
  }
  return {
    type,
    required: raw.required === true,
    ...(typeof raw.pattern === "string" ? { pattern: raw.pattern } : {}),
    max_length: num(raw, "max_length", path, 4096, 1),
  };
}

function parseOperation(name: string, raw: unknown, defaultTimeout: number): OperationConfig {
  const path = `operations.${name}`;
  const entry: Raw = raw === null || raw === true ? {} : isObject(raw) ? raw : fail(path, "must be a mapping");
  let commands: string[][] = [];
  if (entry.command !== undefined) commands = [argv(entry.command, `${path}.command`)];
  if (entry.commands !== undefined) {
    if (!Array.isArray(entry.commands)) fail(`${path}.commands`, "must be a list of argv lists");
    commands = entry.commands.map((c, i) => argv(c, `${path}.commands[${i}]`));
  }
  if (commands.length === 0 && name !== "run_health_check" && name !== "collect_diagnostics") {
    fail(path, "needs `command` (argv list) or `commands`; only run_health_check and collect_diagnostics are built in");
  }
  const parameters: Record<string, ParameterSpec> = {};
  const rawParams = obj(entry, "parameters", path) ?? {};
  for (const [key, spec] of Object.entries(rawParams)) parameters[key] = parseParameter(spec, `${path}.parameters.${key}`);
  for (const command of commands) {
    for (const element of command) {
      const ref = /^\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}$/.exec(element);
      if (ref && !parameters[ref[1]!]) fail(`${path}`, `command refers to undeclared parameter "${ref[1]}"`);
    }
  }
  return { commands, parameters, timeout_seconds: num(entry, "timeout_seconds", path, defaultTimeout, 0.001, 86_400) };
}

/** Turns parsed YAML (plus env overrides already merged in) into a validated config. */
export function validateAgentConfig(raw: Raw, token: string): AgentConfig {
  if (token.trim().length < 16)
    throw new ConfigInvalid("agent token missing or shorter than 16 characters (set token_file or FLEETPLANE_AGENT_TOKEN)");
  const listen = obj(raw, "listen", "") ?? {};
  const tlsRaw = obj(raw, "tls", "");
  const checksRaw = obj(raw, "checks", "") ?? {};
  const metricsRaw = obj(raw, "metrics", "") ?? {};
  const opsRaw = obj(raw, "operations", "") ?? {};

  const database = obj(checksRaw, "database", "checks");
  const redis = obj(checksRaw, "redis", "checks");
  const services = obj(checksRaw, "services", "checks");
  const httpRaw = checksRaw.http ?? [];
  if (!Array.isArray(httpRaw)) fail("checks.http", "must be a list");
  const http = httpRaw.map((h, i): HttpCheckConfig => {
    if (!isObject(h)) fail(`checks.http[${i}]`, "must be a mapping");
    const url = str(h, "url", `checks.http[${i}]`);
    if (!/^https?:\/\//.test(url)) fail(`checks.http[${i}].url`, "must be an http(s) URL");
    return {
      name: str(h, "name", `checks.http[${i}]`),
      url,
      expect_status: num(h, "expect_status", `checks.http[${i}]`, 200, 100, 599),
      critical: h.critical === true,
    };
  });

  const counters = obj(metricsRaw, "app_counters", "metrics");
  const mounts = metricsRaw.disk_mounts ?? ["/"];
  if (!Array.isArray(mounts) || !mounts.every((m) => typeof m === "string")) fail("metrics.disk_mounts", "must be a list of mount points");

  const defaultTimeout = num(opsRaw, "default_timeout_seconds", "operations", 300, 1);
  const operations: AgentConfig["operations"] = {};
  for (const [name, entry] of Object.entries(opsRaw)) {
    if (name === "default_timeout_seconds") continue;
    if (!isOperationType(name)) fail(`operations.${name}`, `unknown operation type; known: ${OPERATION_TYPES.join(", ")}`);
    operations[name] = parseOperation(name, entry, defaultTimeout);
  }

  const commandEnv = raw.command_env ?? [];
  if (!Array.isArray(commandEnv) || !commandEnv.every((n) => typeof n === "string" && isPassableVariable(n)))
    fail("command_env", "must be a list of environment variable names (never FLEETPLANE_AGENT_TOKEN)");

  return {
    command_env: commandEnv as string[],
    host: str(listen, "host", "listen", "127.0.0.1"),
    port: num(listen, "port", "listen", 9100, 0, 65535),
    token: token.trim(),
    ...(tlsRaw ? { tls: { cert_file: str(tlsRaw, "cert_file", "tls"), key_file: str(tlsRaw, "key_file", "tls") } } : {}),
    version: typeof raw.version === "string" ? raw.version : AGENT_VERSION,
    checks: {
      timeout_ms: num(checksRaw, "timeout_ms", "checks", 1500, 10, 1800),
      ...(database ? { database: parseDatabase(database) } : {}),
      ...(redis
        ? {
            redis: {
              host: str(redis, "host", "checks.redis", "127.0.0.1"),
              port: num(redis, "port", "checks.redis", 6379, 1, 65535),
              ...(typeof redis.password === "string" ? { password: redis.password } : {}),
            },
          }
        : {}),
      ...(services ? { services: parseServices(services) } : {}),
      http,
    },
    metrics: {
      disk_mounts: mounts as string[],
      buffer_minutes: num(metricsRaw, "buffer_minutes", "metrics", 180, 120, 10_080),
      sample_interval_seconds: num(metricsRaw, "sample_interval_seconds", "metrics", 60, 0.01),
      ...(counters?.file !== undefined ? { app_counters: { file: str(counters, "file", "metrics.app_counters") } } : {}),
      ...(counters?.url !== undefined ? { app_counters: { url: str(counters, "url", "metrics.app_counters") } } : {}),
    },
    operations,
  };
}

export const AGENT_VERSION = "0.1.0";
