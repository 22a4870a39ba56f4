// The simulated fleet's inventory: names, tokens, regions, environments and tags, derived from the seed.
import { hash32, pick, unit } from "./seeded-random.js";

export interface SimulatedServer {
  index: number;
  name: string;
  hostname: string;
  api_url: string;
  token: string;
  region: string;
  environment: string;
  tags: string[];
}

/** The body that registers a simulated server with Fleetplane (`POST /servers`), its agent token included. */
export function registrationOf(server: SimulatedServer) {
  const { name, hostname, api_url, token, region, environment, tags } = server;
  return { name, hostname, api_url, api_token: token, region, environment, tags };
}

export const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"] as const;
export const ENVIRONMENTS = ["production", "production", "production", "staging", "development"] as const;
const ROLES = ["web", "web", "api", "worker", "db", "cache", "llm-gateway"] as const;
const EXTRA_TAGS = ["critical", "canary", "gpu", "spot", "pci"] as const;

// Distinct salts keep the draws for different attributes independent of each other.
const SALT = { token: 1, region: 2, env: 3, role: 4, extra: 5 } as const;

export function serverName(index: number): string {
  return `sim-${String(index).padStart(4, "0")}`;
}

export function serverToken(seed: number, index: number): string {
  let token = "simtok_";
  for (let part = 0; part < 4; part++) token += hash32(seed, index, SALT.token, part).toString(16).padStart(8, "0");
  return token;
}

export function simulatedServer(seed: number, index: number, baseUrl: string): SimulatedServer {
  const region = pick(REGIONS, seed, index, SALT.region);
  const environment = pick(ENVIRONMENTS, seed, index, SALT.env);
  const tags: string[] = [pick(ROLES, seed, index, SALT.role)];
  for (let i = 0; i < EXTRA_TAGS.length; i++) {
    if (unit(seed, index, SALT.extra, i) < 0.12) tags.push(EXTRA_TAGS[i]!);
  }
  const name = serverName(index);
  return {
    index,
    name,
    hostname: `${name}.${region}.${environment}.fleet.internal`,
    api_url: `${baseUrl}/agents/${index}`,
    token: serverToken(seed, index),
    region,
    environment,
    tags,
  };
}

/** The whole roster; cheap even for 10,000 servers (plain objects, no per-server timers or sockets). */
export function fleetRoster(count: number, seed: number, baseUrl: string): SimulatedServer[] {
  return Array.from({ length: count }, (_, index) => simulatedServer(seed, index, baseUrl));
}
