// Start-up configuration: YAML file from --config, environment overrides, token from a file or env only.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ConfigInvalid, validateAgentConfig, type AgentConfig } from "./agent-config.js";

export interface ConfigSources {
  argv: string[];
  env: Record<string, string | undefined>;
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const arg = argv[i]!;
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[i + 1];
}

export function loadAgentConfig({ argv, env }: ConfigSources): AgentConfig {
  // A token on the command line shows up in `ps` and shell history for every local user to read.
  if (argv.some((a) => a === "--token" || a.startsWith("--token="))) {
    throw new ConfigInvalid("the agent token is never accepted on the command line; use token_file or FLEETPLANE_AGENT_TOKEN");
  }
  const path = flag(argv, "--config") ?? env.FLEETPLANE_AGENT_CONFIG;
  let raw: Record<string, unknown> = {};
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new ConfigInvalid(`cannot read config file ${path}: ${(error as Error).message}`);
    }
    const parsed: unknown = parseYaml(text);
    if (parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed)))
      throw new ConfigInvalid(`${path} must hold a YAML mapping`);
    raw = (parsed as Record<string, unknown> | null) ?? {};
  }

  const listen = { ...((raw.listen as Record<string, unknown> | undefined) ?? {}) };
  if (env.FLEETPLANE_AGENT_HOST) listen.host = env.FLEETPLANE_AGENT_HOST;
  if (env.FLEETPLANE_AGENT_PORT) listen.port = env.FLEETPLANE_AGENT_PORT;
  raw = { ...raw, listen };
  if (env.FLEETPLANE_AGENT_TLS_CERT_FILE || env.FLEETPLANE_AGENT_TLS_KEY_FILE) {
    raw.tls = { cert_file: env.FLEETPLANE_AGENT_TLS_CERT_FILE, key_file: env.FLEETPLANE_AGENT_TLS_KEY_FILE };
  }

  const tokenFile = env.FLEETPLANE_AGENT_TOKEN_FILE ?? (typeof raw.token_file === "string" ? raw.token_file : undefined);
  let token = env.FLEETPLANE_AGENT_TOKEN ?? "";
  if (!token && tokenFile) {
    try {
      token = readFileSync(tokenFile, "utf8");
    } catch (error) {
      throw new ConfigInvalid(`cannot read token file ${tokenFile}: ${(error as Error).message}`);
    }
  }
  if (typeof raw.token === "string") throw new ConfigInvalid("put the token in a file (token_file), not in the config itself");
  return validateAgentConfig(raw, token);
}
