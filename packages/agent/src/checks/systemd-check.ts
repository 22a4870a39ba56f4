// Component check that configured systemd units are active, via `systemctl is-active` (argv, no shell).
import { runCommand } from "../operations/command-runner.js";
import type { ComponentCheck } from "./component-check.js";

export interface UnitStates {
  active: string[];
  failed: string[];
}

/** One `systemctl is-active a b c` prints one state per unit, in order; reused for the services metrics. */
export async function queryUnits(units: string[], timeoutMs: number, signal?: AbortSignal): Promise<UnitStates> {
  if (units.length === 0) return { active: [], failed: [] };
  const outcome = await runCommand(["systemctl", "is-active", "--", ...units], timeoutMs, signal);
  const states = outcome.output.split("\n").map((s) => s.trim());
  const active = units.filter((_, i) => states[i] === "active");
  return { active, failed: units.filter((u) => !active.includes(u)) };
}

export function systemdCheck(units: string[], timeoutMs: number, critical: boolean): ComponentCheck {
  return {
    name: "services",
    critical,
    async run(signal) {
      const { active, failed } = await queryUnits(units, timeoutMs, signal);
      return {
        healthy: failed.length === 0,
        ...(failed.length ? { error: `not active: ${failed.join(", ")}` } : {}),
        details: { active: active.length, failed: failed.length, total: units.length, failed_units: failed },
      };
    },
  };
}
