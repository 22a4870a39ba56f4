// `--demo N`: a simulated fleet of N servers (realistic mix of healthy, degraded, flapping, timing-out...)
// in this process, registered in the default organization through the domain. Idempotent across restarts:
// servers are matched by name, and only their agent URL and token are updated (the simulator's port changes).
import { allServers, DEFAULT_ORGANIZATION_ID, registerServer, updateServer, type FleetContext } from "@fleetplane/core";
import { registrationOf, startSimulator, type Simulator } from "@fleetplane/agent/simulator";

/** The demo fleet's seed: the same servers, profiles and metrics on every start. */
const DEMO_SEED = 42;

export interface Demo {
  simulator: Simulator;
  registered: number;
  updated: number;
  close(): Promise<void>;
}

export async function startDemo(ctx: FleetContext, count: number): Promise<Demo> {
  if (!Number.isInteger(count) || count < 1 || count > 10_000)
    throw new Error(`--demo needs a number of servers between 1 and 10000, not ${count}`);
  const simulator = await startSimulator({ count, seed: DEMO_SEED, mix: "realistic" });
  const existing = new Map((await allServers(ctx, DEFAULT_ORGANIZATION_ID)).map((s) => [s.name, s]));
  let registered = 0;
  let updated = 0;
  const pending = [...simulator.servers];
  // A few registrations at a time: each is a transaction on the organization's summary item.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let s = pending.shift(); s; s = pending.shift()) {
        const found = existing.get(s.name);
        if (!found) {
          await registerServer(ctx, DEFAULT_ORGANIZATION_ID, { ...registrationOf(s), tags: [...s.tags, "demo"] });
          registered++;
        } else if (found.api_url !== s.api_url || (await ctx.secrets.decrypt(found.api_token_enc, { organization_id: DEFAULT_ORGANIZATION_ID, server_id: found.id })) !== s.token) {
          await updateServer(ctx, DEFAULT_ORGANIZATION_ID, found.id, { api_url: s.api_url, api_token: s.token });
          updated++;
        }
      }
    }),
  );
  return { simulator, registered, updated, close: () => simulator.close() };
}
