// Control endpoint of the simulator, so another process (the demo, a script) can inject faults and read counters.
import type { IncomingMessage, ServerResponse } from "node:http";
import { readJsonBody, sendJson } from "../http/exchange.js";
import { RequestRejected } from "../protocol.js";
import type { SimulatedServer } from "./fleet-roster.js";
import { behaviourProblem, profileProblem, type OperationBehaviour, type Profile } from "./profiles.js";
import type { VirtualFleet } from "./virtual-fleet.js";

/**
 *   GET  /control/servers                              the roster (with tokens: the simulator is local-only)
 *   GET  /control/servers/:index                       one server, its profile and what it received
 *   POST /control/servers/:index/profile               body: a Profile, e.g. {"kind":"refused"}
 *   POST /control/servers/:index/operation-behaviour   body: an OperationBehaviour, e.g. {"outcome":"fail"}
 *   GET  /control/servers/:index/received              ReceivedRequests
 *   GET  /control/operations/concurrency               {"current","max"}
 *   POST /control/reset-stats
 */
export async function serveControl(
  fleet: VirtualFleet,
  servers: SimulatedServer[],
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const key = `${req.method} ${path.replace(/^\/control\/servers\/\d+/, "/control/servers/:index")}`;
  const index = Number(/^\/control\/servers\/(\d+)/.exec(path)?.[1]);
  const body = async (problem: (v: unknown) => string | undefined): Promise<unknown> => {
    const value = await readJsonBody(req);
    const message = problem(value);
    if (message) throw new RequestRejected(400, "validation_failed", message);
    return value;
  };
  switch (key) {
    case "GET /control/servers":
      return sendJson(res, 200, servers);
    case "GET /control/servers/:index":
      fleet.checkIndex(index);
      return sendJson(res, 200, { ...servers[index], profile: fleet.profile(index), received: fleet.received(index) });
    case "POST /control/servers/:index/profile":
      fleet.setProfile(index, (await body(profileProblem)) as Profile);
      return sendJson(res, 200, { index, profile: fleet.profile(index) });
    case "POST /control/servers/:index/operation-behaviour":
      fleet.setOperationBehaviour(index, (await body(behaviourProblem)) as OperationBehaviour);
      return sendJson(res, 200, { index });
    case "GET /control/servers/:index/received":
      return sendJson(res, 200, fleet.received(index));
    case "GET /control/operations/concurrency":
      return sendJson(res, 200, fleet.operationConcurrency());
    case "POST /control/reset-stats":
      fleet.resetStats();
      return sendJson(res, 200, { ok: true });
    default:
      throw new RequestRejected(404, "not_found", `no control route ${key}`);
  }
}
