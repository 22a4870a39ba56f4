// /groups: static and dynamic server groups, and membership in both the nested and the /groups/members form.
import { createRoute, z } from "@hono/zod-openapi";
import { NotFound } from "../../errors.js";
import { IdString } from "../../names.js";
import { addGroupMembers, createGroup, deleteGroup, getGroup, groupServers, listGroups, updateGroup } from "../../groups/groups.js";
import { removeMember } from "../../groups/membership.js";
import { Group, GroupCreate, GroupUpdate, MemberIds, Membership } from "../../groups/schema.js";
import { Server } from "../../servers/schema.js";
import { errorResponses, IdParam, json, jsonBody, router } from "../env.js";
import { requireRole } from "../middleware/auth.js";

export const groups = router();
const tags = ["groups"];
const admin = [requireRole("admin")];
const GroupList = z.object({ items: z.array(Group) });
const GroupServers = z.object({ items: z.array(Server), next_cursor: z.null() });
const MemberParams = z.object({ id: IdString, server_id: IdString });

groups.openapi(
  createRoute({
    method: "post",
    path: "/groups",
    tags,
    summary: "Create a group",
    operationId: "createGroup",
    middleware: admin,
    request: { body: jsonBody(GroupCreate) },
    responses: { 201: json(Group, "created"), ...errorResponses },
  }),
  async (c) => c.json(await createGroup(c.get("ctx"), c.get("caller").organizationId, c.req.valid("json")), 201),
);

groups.openapi(
  createRoute({
    method: "get",
    path: "/groups",
    tags,
    summary: "List groups",
    operationId: "listGroups",
    responses: { 200: json(GroupList), ...errorResponses },
  }),
  async (c) => c.json({ items: await listGroups(c.get("ctx"), c.get("caller").organizationId) }, 200),
);

// Registered before /groups/{id} so that "members" is not taken for an id.
groups.openapi(
  createRoute({
    method: "post",
    path: "/groups/members",
    tags,
    summary: "Add a server to a group",
    operationId: "addGroupMember",
    middleware: admin,
    request: { body: jsonBody(Membership) },
    responses: { 200: json(Group), ...errorResponses },
  }),
  async (c) => {
    const { group_id, server_id } = c.req.valid("json");
    return c.json(await addGroupMembers(c.get("ctx"), c.get("caller").organizationId, group_id, [server_id]), 200);
  },
);

groups.openapi(
  createRoute({
    method: "delete",
    path: "/groups/members",
    tags,
    summary: "Remove a server from a group",
    operationId: "removeGroupMember",
    middleware: admin,
    request: { body: jsonBody(Membership) },
    responses: { 204: { description: "removed" }, ...errorResponses },
  }),
  async (c) => {
    const { group_id, server_id } = c.req.valid("json");
    await removeStaticMember(c.get("ctx"), c.get("caller").organizationId, group_id, server_id);
    return c.body(null, 204);
  },
);

groups.openapi(
  createRoute({
    method: "get",
    path: "/groups/{id}",
    tags,
    summary: "Get a group",
    operationId: "getGroup",
    request: { params: IdParam },
    responses: { 200: json(Group), ...errorResponses },
  }),
  async (c) => c.json(await getGroup(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id), 200),
);

for (const method of ["patch", "put"] as const) {
  groups.openapi(
    createRoute({
      method,
      path: "/groups/{id}",
      tags,
      summary: "Update a group",
      operationId: method === "patch" ? "updateGroup" : "putGroup",
      middleware: admin,
      request: { params: IdParam, body: jsonBody(GroupUpdate) },
      responses: { 200: json(Group), ...errorResponses },
    }),
    async (c) => c.json(await updateGroup(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id, c.req.valid("json")), 200),
  );
}

groups.openapi(
  createRoute({
    method: "delete",
    path: "/groups/{id}",
    tags,
    summary: "Delete a group (its servers stay)",
    operationId: "deleteGroup",
    middleware: admin,
    request: { params: IdParam },
    responses: { 204: { description: "deleted" }, ...errorResponses },
  }),
  async (c) => {
    await deleteGroup(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id);
    return c.body(null, 204);
  },
);

groups.openapi(
  createRoute({
    method: "get",
    path: "/groups/{id}/servers",
    tags,
    summary: "Servers of a group: static members and servers matching its criteria",
    operationId: "listGroupServers",
    request: { params: IdParam },
    responses: { 200: json(GroupServers), ...errorResponses },
  }),
  async (c) =>
    c.json({ items: await groupServers(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id), next_cursor: null }, 200),
);

groups.openapi(
  createRoute({
    method: "post",
    path: "/groups/{id}/servers",
    tags,
    summary: "Add static members",
    operationId: "addGroupServers",
    middleware: admin,
    request: { params: IdParam, body: jsonBody(MemberIds) },
    responses: { 200: json(Group), ...errorResponses },
  }),
  async (c) =>
    c.json(
      await addGroupMembers(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id, c.req.valid("json").server_ids),
      200,
    ),
);

groups.openapi(
  createRoute({
    method: "delete",
    path: "/groups/{id}/servers/{server_id}",
    tags,
    summary: "Remove a static member",
    operationId: "removeGroupServer",
    middleware: admin,
    request: { params: MemberParams },
    responses: { 204: { description: "removed" }, ...errorResponses },
  }),
  async (c) => {
    const { id, server_id } = c.req.valid("param");
    await removeStaticMember(c.get("ctx"), c.get("caller").organizationId, id, server_id);
    return c.body(null, 204);
  },
);

async function removeStaticMember(
  ctx: Parameters<typeof getGroup>[0],
  organizationId: string,
  groupId: string,
  serverId: string,
): Promise<void> {
  await getGroup(ctx, organizationId, groupId);
  if (!(await removeMember(ctx, organizationId, groupId, serverId)))
    throw new NotFound(`server ${serverId} is not a static member of group ${groupId}`);
}
