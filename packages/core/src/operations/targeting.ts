// Resolves an operation's targets once, at creation: named servers and group members, narrowed by filter criteria.
import type { FleetContext } from "../context.js";
import { ValidationFailed } from "../errors.js";
import { getGroup, resolveGroupMembers } from "../groups/groups.js";
import type { Group } from "../groups/schema.js";
import { isId } from "../ids.js";
import { allServers } from "../servers/listing.js";
import type { ServerItem } from "../servers/server-item.js";
import { NotFound } from "../errors.js";
import type { FilterCriteria, OperationCreate } from "./schema.js";

/**
 * The target servers in a stable order (registration order). Named `server_ids` must exist and not be
 * decommissioned; servers reached through groups or filters are taken only while `active`, so a server
 * in maintenance is left alone unless named. With neither ids nor groups, the filter selects from the fleet.
 */
export async function resolveTargets(ctx: FleetContext, organizationId: string, request: OperationCreate): Promise<ServerItem[]> {
  const serverIds = unique(request.server_ids ?? []);
  const groupIds = unique(request.group_ids ?? []);
  if (serverIds.length === 0 && groupIds.length === 0 && !request.filter_criteria) {
    throw new ValidationFailed("choose the target servers", [
      { path: "server_ids", message: "give server_ids, group_ids or filter_criteria" },
    ]);
  }

  const fleet = await allServers(ctx, organizationId);
  const byId = new Map(fleet.map((s) => [s.id, s]));
  const details = serverIds.flatMap((id, i) => {
    const server = byId.get(id);
    return server && server.status !== "decommissioned"
      ? []
      : [{ path: `server_ids.${i}`, message: `no server ${id} in this organization` }];
  });
  if (details.length > 0) throw new ValidationFailed("unknown servers", details);

  let chosen: ServerItem[];
  if (serverIds.length === 0 && groupIds.length === 0) {
    chosen = fleet.filter((s) => s.status === "active");
  } else {
    const groups = await loadGroups(ctx, organizationId, groupIds);
    const viaGroups =
      groups.length > 0 ? (await resolveGroupMembers(ctx, organizationId, groups)).filter((s) => s.status === "active") : [];
    const wanted = new Set([...serverIds, ...viaGroups.map((s) => s.id)]);
    chosen = fleet.filter((s) => wanted.has(s.id));
  }
  return request.filter_criteria ? chosen.filter(matches(request.filter_criteria)) : chosen;
}

async function loadGroups(ctx: FleetContext, organizationId: string, ids: string[]): Promise<Group[]> {
  const details: Array<{ path: string; message: string }> = [];
  const groups = await Promise.all(
    ids.map(async (id, i) => {
      try {
        if (!isId(id)) throw new NotFound(id);
        return await getGroup(ctx, organizationId, id);
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
        details.push({ path: `group_ids.${i}`, message: `no group ${id} in this organization` });
        return undefined;
      }
    }),
  );
  if (details.length > 0) throw new ValidationFailed("unknown groups", details);
  return groups.filter((g): g is Group => g !== undefined);
}

function matches(criteria: FilterCriteria): (server: ServerItem) => boolean {
  return (s) =>
    (criteria.tags ?? []).every((t) => (s.tags ?? []).includes(t)) &&
    (!criteria.regions?.length || (s.region !== null && criteria.regions.includes(s.region))) &&
    (!criteria.environments?.length || (s.environment !== null && criteria.environments.includes(s.environment))) &&
    (!criteria.health_statuses?.length || criteria.health_statuses.includes(s.health_status));
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
