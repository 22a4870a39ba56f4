// Probe tests' harness: a local Fleetplane on a manual clock (no probe timer), a simulator on the same clock,
// and the simulator's servers registered through the API.
import type { Clock, ConfigOverrides, FleetEvent } from "@fleetplane/core";
import { registrationOf, startSimulator, type Simulator } from "@fleetplane/agent/simulator";
import { FLEET, startTestFleet, type TestFleet } from "../support/fleet.js";

export class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface ProbeFleet {
  fleet: TestFleet;
  sim: Simulator;
  clock: ManualClock;
  /** Server ids by simulator index. */
  ids: string[];
  events: FleetEvent[];
  /** Advances the clock by `seconds` and runs one probe cycle. */
  cycle(seconds?: number, metrics?: boolean): Promise<void>;
  server(index: number): Promise<any>;
  close(): Promise<void>;
}

/** A minute-aligned start, at `minuteOfDay` UTC of today (real today, so TTL sweeps leave the data alone). */
export function alignedStart(minuteOfDay?: number): number {
  const now = Date.now();
  const day = now - (now % 86_400_000);
  return minuteOfDay === undefined ? now - (now % 60_000) : day + minuteOfDay * 60_000;
}

export async function startProbeFleet(
  count: number,
  options: { config?: ConfigOverrides; start?: number; register?: number } = {},
): Promise<ProbeFleet> {
  const clock = new ManualClock(options.start ?? alignedStart());
  const sim = await startSimulator({ count, now: () => clock.now().getTime() });
  const fleet = await startTestFleet({ clock, probeSchedule: false, config: options.config });
  const events: FleetEvent[] = [];
  fleet.runtime.bus.subscribe({}, (event) => {
    events.push(event);
  });
  const ids: string[] = [];
  for (const s of sim.servers.slice(0, options.register ?? count)) {
    const res = await fleet.request("POST", `${FLEET}/servers`, {
      body: registrationOf(s),
    });
    if (res.status !== 201) throw new Error(`register ${s.name}: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.id);
  }
  return {
    fleet,
    sim,
    clock,
    ids,
    events,
    async cycle(seconds = 30, metrics) {
      clock.advance(seconds);
      await fleet.runtime.probes.tick({ metrics });
      await fleet.runtime.flushEvents();
    },
    async server(index) {
      return (await fleet.request("GET", `${FLEET}/servers/${ids[index]}`)).body;
    },
    async close() {
      await fleet.close();
      await sim.close();
    },
  };
}

export function eventsOf(events: FleetEvent[], type: string, serverId?: string): FleetEvent[] {
  return events.filter((e) => e.detail_type === type && (!serverId || JSON.stringify(e.detail.data).includes(serverId)));
}
