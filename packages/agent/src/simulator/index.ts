// Public surface of the fleet simulator: one HTTP server on 127.0.0.1 playing N agents, with fault injection.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sendError } from "../http/exchange.js";
import { RequestRejected } from "../protocol.js";
import { serveControl } from "./control-routes.js";
import { fleetRoster, type SimulatedServer } from "./fleet-roster.js";
import type { FleetMix, OperationBehaviour, Profile } from "./profiles.js";
import type { ReceivedRequests } from "./virtual-agent.js";
import { VirtualFleet } from "./virtual-fleet.js";

export type { SimulatedServer } from "./fleet-roster.js";
export { fleetRoster, registrationOf, serverToken } from "./fleet-roster.js";
export type { Profile, OperationBehaviour, FleetMix } from "./profiles.js";
export { initialProfile, PROFILE_KINDS } from "./profiles.js";
export type { ReceivedRequests, ReceivedOperation } from "./virtual-agent.js";
export { SIMULATED_AGENT_VERSION } from "./virtual-fleet.js";
export { SIMULATED_BUFFER_MINUTES } from "./simulated-metrics.js";

export interface Simulator {
  readonly url: string;
  readonly servers: SimulatedServer[];
  setProfile(index: number, profile: Profile): void;
  profile(index: number): Profile;
  setOperationBehaviour(index: number, b: OperationBehaviour): void;
  received(index: number): ReceivedRequests;
  /** Operation requests in flight across all virtual servers, and the most seen at once since the last reset. */
  operationConcurrency(): { current: number; max: number };
  resetStats(): void;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  count: number;
  seed?: number;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: "127.0.0.1";
  /** Initial profiles; default 'all-healthy'. */
  mix?: FleetMix;
  /** Wall clock by default; sample timestamps are always minute-aligned. */
  now?: () => number;
}

export const DEFAULT_SEED = 1;
const AGENT_PREFIX = "/agents/";

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new Error("startSimulator: count must be a positive integer");
  const seed = opts.seed ?? DEFAULT_SEED;
  const host = opts.host ?? "127.0.0.1";
  const fleet = new VirtualFleet(opts.count, seed, opts.mix ?? "all-healthy", opts.now ?? Date.now);
  let servers: SimulatedServer[] = [];

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const path = q < 0 ? raw : raw.slice(0, q);
    const query = q < 0 ? "" : raw.slice(q + 1);
    if (path.startsWith(AGENT_PREFIX)) {
      const slash = path.indexOf("/", AGENT_PREFIX.length);
      const index = Number(path.slice(AGENT_PREFIX.length, slash < 0 ? undefined : slash));
      return fleet.serve(index, slash < 0 ? "/" : path.slice(slash), query, req, res);
    }
    if (path.startsWith("/control/")) return serveControl(fleet, servers, path, req, res);
    throw new RequestRejected(404, "not_found", "simulated agents live under /agents/:index");
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => sendError(res, error));
  });
  // Many probes reuse a few keep-alive sockets; the default 5 s idle timeout would churn them between rounds.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  servers = fleetRoster(opts.count, seed, url);

  return {
    url,
    servers,
    setProfile: (i, p) => fleet.setProfile(i, p),
    profile: (i) => fleet.profile(i),
    setOperationBehaviour: (i, b) => fleet.setOperationBehaviour(i, b),
    received: (i) => fleet.received(i),
    operationConcurrency: () => fleet.operationConcurrency(),
    resetStats: () => fleet.resetStats(),
    close: () =>
      new Promise<void>((resolve) => {
        fleet.close();
        server.close(() => resolve());
        // Timed-out and hung requests hold their sockets open on purpose; end them so close() completes.
        server.closeAllConnections();
      }),
  };
}
