// Server groups: create, read, update, delete, and resolve members (static ∪ matching the criteria).
import type { FleetContext } from "../context.js";
import { NotFound, ValidationFailed } from "../errors.js";
import { isId, newId } from "../ids.js";
import { GROUP_PREFIX, keys } from "../store/keys.js";
import { allServers } from "../servers/listing.js";
import { toServer, type ServerItem } from "../servers/server-item.js";
import type { Server } from "../servers/schema.js";
import { addMembers, memberIds, removeAllMembers } from "./membership.js";
import type { Group, GroupCreate, GroupUpdate } from "./schema.js";

type GroupFields = Omit<Group, "server_ids">;
interface GroupItem extends GroupFields {
  pk: string;
  sk: string;
  entity: "group";
}

export async function createGroup(ctx: FleetContext, organizationId: string, input: GroupCreate): Promise<Group> {
  const serverIds = [...new Set(input.server_ids ?? [])];
  await requireServers(ctx, organizationId, serverIds, "server_ids");
  const now = ctx.clock.now().toISOString();
  const group: GroupFields = {
    id: newId(),
    name: input.name,
    description: input.description ?? null,
    color: input.color?.toLowerCase() ?? null,
    tags: input.tags ?? [],
    regions: input.regions ?? [],
    environments: input.environments ?? [],
    created_at: now,
    updated_at: now,
  };
  await ctx.table.put({ Item: { ...keys.group(organizationId, group.id), entity: "group", ...group } });
  await addMembers(ctx, organizationId, group.id, serverIds);
  return { ...group, server_ids: serverIds };
}

export async function getGroup(ctx: FleetContext, organizationId: string, id: string): Promise<Group> {
  const item = await groupItem(ctx, organizationId, id);
  return { ...toGroupFields(item), server_ids: await memberIds(ctx, organizationId, id) };
}

export async function listGroups(ctx: FleetContext, organizationId: string): Promise<Group[]> {
  const items = await ctx.table.queryAll<GroupItem>({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.organizationPartition(organizationId), ":prefix": GROUP_PREFIX },
  });
  return Promise.all(items.map(async (i) => ({ ...toGroupFields(i), server_ids: await memberIds(ctx, organizationId, i.id) })));
}

export async function updateGroup(ctx: FleetContext, organizationId: string, id: string, input: GroupUpdate): Promise<Group> {
  const before = await groupItem(ctx, organizationId, id);
  const after: GroupFields = {
    ...toGroupFields(before),
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    updated_at: ctx.clock.now().toISOString(),
  };
  after.description ??= null;
  after.color = after.color?.toLowerCase() ?? null;
  try {
    await ctx.table.put({ Item: { ...before, ...after }, ConditionExpression: "attribute_exists(pk)" });
  } catch (error) {
    // Deleted between the read and the write: the group is gone, as a later read would say.
    if ((error as Error).name === "ConditionalCheckFailedException") throw new NotFound(`group ${id} not found`);
    throw error;
  }
  return { ...after, server_ids: await memberIds(ctx, organizationId, id) };
}

/** Deletes the group and its memberships; the servers stay. */
export async function deleteGroup(ctx: FleetContext, organizationId: string, id: string): Promise<void> {
  await groupItem(ctx, organizationId, id);
  await removeAllMembers(ctx, organizationId, id);
  await ctx.table.delete({ Key: keys.group(organizationId, id) });
}

export async function addGroupMembers(ctx: FleetContext, organizationId: string, id: string, serverIds: string[]): Promise<Group> {
  await groupItem(ctx, organizationId, id);
  await requireServers(ctx, organizationId, serverIds, "server_ids");
  await addMembers(ctx, organizationId, id, serverIds);
  return getGroup(ctx, organizationId, id);
}

/** Static members and every server matching the group's criteria; decommissioned servers are left out. */
export async function groupServers(ctx: FleetContext, organizationId: string, id: string): Promise<Server[]> {
  const group = await getGroup(ctx, organizationId, id);
  const members = await resolveGroupMembers(ctx, organizationId, [group]);
  return members.map(toServer);
}

/** The servers of several groups at once, each server once (used by groups and by operation targeting). */
export async function resolveGroupMembers(ctx: FleetContext, organizationId: string, groups: Group[]): Promise<ServerItem[]> {
  const statics = new Set(groups.flatMap((g) => g.server_ids));
  const dynamic = groups.filter(hasCriteria);
  const servers = await allServers(ctx, organizationId);
  return servers.filter((s) => s.status !== "decommissioned" && (statics.has(s.id) || dynamic.some((g) => matchesCriteria(g, s))));
}

function hasCriteria(group: Group): boolean {
  return group.tags.length > 0 || group.regions.length > 0 || group.environments.length > 0;
}

function matchesCriteria(group: Group, server: ServerItem): boolean {
  return (
    group.tags.every((t) => (server.tags ?? []).includes(t)) &&
    (group.regions.length === 0 || (server.region !== null && group.regions.includes(server.region))) &&
    (group.environments.length === 0 || (server.environment !== null && group.environments.includes(server.environment)))
  );
}

async function groupItem(ctx: FleetContext, organizationId: string, id: string): Promise<GroupItem> {
  const item = isId(id) ? await ctx.table.get<GroupItem>(keys.group(organizationId, id)) : undefined;
  if (!item) throw new NotFound(`group ${id} not found`);
  return item;
}

function toGroupFields(item: GroupItem): GroupFields {
  const { id, name, description, color, tags, regions, environments, created_at, updated_at } = item;
  return {
    id,
    name,
    description: description ?? null,
    color: color ?? null,
    tags: tags ?? [],
    regions: regions ?? [],
    environments: environments ?? [],
    created_at,
    updated_at,
  };
}

/** Fails with 400 naming each id that is not a (live) server of this organization. */
export async function requireServers(ctx: FleetContext, organizationId: string, ids: string[], path: string): Promise<void> {
  const found = await Promise.all(
    ids.map((id) => (isId(id) ? ctx.table.get<ServerItem>(keys.server(organizationId, id)) : Promise.resolve(undefined))),
  );
  const details = ids.flatMap((id, i) =>
    found[i] && found[i]!.status !== "decommissioned" ? [] : [{ path: `${path}.${i}`, message: `no server ${id} in this organization` }],
  );
  if (details.length > 0) throw new ValidationFailed("unknown servers", details);
}
