// Static group membership: one item per (group, server), findable from either side.
import type { FleetContext } from "../context.js";
import { keys, MEMBER_PREFIX } from "../store/keys.js";

/** gsi1 partition listing the groups a server belongs to. */
const serverGroupsPartition = (organizationId: string, serverId: string) =>
  `${keys.organizationPartition(organizationId)}#SERVERGROUPS#${serverId}`;

export function memberItem(organizationId: string, groupId: string, serverId: string): Record<string, unknown> {
  return {
    ...keys.groupMember(organizationId, groupId, serverId),
    entity: "group_member",
    group_id: groupId,
    server_id: serverId,
    gsi1pk: serverGroupsPartition(organizationId, serverId),
    gsi1sk: groupId,
  };
}

export async function memberIds(ctx: FleetContext, organizationId: string, groupId: string): Promise<string[]> {
  const items = await ctx.table.queryAll<{ server_id: string }>({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.groupMembers(organizationId, groupId), ":prefix": MEMBER_PREFIX },
    ProjectionExpression: "server_id",
  });
  return items.map((i) => i.server_id);
}

export async function addMembers(ctx: FleetContext, organizationId: string, groupId: string, serverIds: string[]): Promise<void> {
  await ctx.table.batchWrite([...new Set(serverIds)].map((id) => ({ put: memberItem(organizationId, groupId, id) })));
}

/** Deletes a membership; returns false when the server was not a static member. */
export async function removeMember(ctx: FleetContext, organizationId: string, groupId: string, serverId: string): Promise<boolean> {
  const old = await ctx.table.delete({ Key: keys.groupMember(organizationId, groupId, serverId), ReturnValues: "ALL_OLD" });
  return old !== undefined;
}

export async function removeAllMembers(ctx: FleetContext, organizationId: string, groupId: string): Promise<void> {
  const ids = await memberIds(ctx, organizationId, groupId);
  await ctx.table.batchWrite(ids.map((id) => ({ delete: keys.groupMember(organizationId, groupId, id) })));
}

/** Called when a server is deleted: its memberships go with it (the groups stay). */
export async function removeServerFromGroups(ctx: FleetContext, organizationId: string, serverId: string): Promise<void> {
  const memberships = await ctx.table.queryAll<{ group_id: string }>({
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk",
    ExpressionAttributeValues: { ":pk": serverGroupsPartition(organizationId, serverId) },
  });
  await ctx.table.batchWrite(memberships.map((m) => ({ delete: keys.groupMember(organizationId, m.group_id, serverId) })));
}
