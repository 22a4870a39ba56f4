// The fleet-wide count of unhealthy servers (the UnhealthyServers metric), read from the organizations' summary items:
// one BatchGetItem per 100 organizations, whatever the fleet's size.
import type { Table } from "../store/table.js";
import { keys } from "../store/keys.js";

/** The health states that count as unhealthy. */
export const UNHEALTHY = ["degraded", "critical", "unreachable"] as const;

/** Servers (not decommissioned) of these organizations whose last known health is degraded, critical or unreachable. */
export async function unhealthyServers(table: Table, organizationIds: Iterable<string>): Promise<number> {
  const ids = [...new Set(organizationIds)];
  if (ids.length === 0) return 0;
  const names = Object.fromEntries(UNHEALTHY.map((health, i) => [`#h${i}`, `n:health:${health}`]));
  const summaries = await table.batchGet<Record<string, unknown>>(
    ids.map((id) => keys.summary(id)),
    { projection: { expression: Object.keys(names).join(", "), names } },
  );
  let total = 0;
  for (const summary of summaries)
    for (const health of UNHEALTHY) {
      const n = summary[`n:health:${health}`];
      if (typeof n === "number" && n > 0) total += n;
    }
  return total;
}
