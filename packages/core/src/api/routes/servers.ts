// /servers: the registry. Each handler parses, calls the domain, responds.
import { createRoute, z } from "@hono/zod-openapi";
import { decommissionServer, getServer, purgeServer, registerServer, rotateServerToken, updateServer } from "../../servers/registry.js";
import { listServers } from "../../servers/listing.js";
import { ListedServer, ServerCreate, ServerListQuery, ServerPage, ServerUpdate, TokenRotation } from "../../servers/schema.js";
import { latestReadingsOf } from "../../probes/latest-readings.js";
import { errorResponses, IdParam, json, jsonBody, router } from "../env.js";
import { requireRole } from "../middleware/auth.js";

export const servers = router();
const tags = ["servers"];

servers.openapi(
  createRoute({
    method: "post",
    path: "/servers",
    tags,
    summary: "Register a server",
    operationId: "registerServer",
    middleware: [requireRole("admin")],
    request: { body: jsonBody(ServerCreate) },
    responses: { 201: json(ListedServer, "registered"), ...errorResponses },
  }),
  async (c) => {
    const server = await registerServer(c.get("ctx"), c.get("caller").organizationId, c.req.valid("json"));
    // Never checked yet: nothing to read.
    return c.json({ ...server, last_check_at: null, cpu_percent: null, memory_percent: null }, 201);
  },
);

servers.openapi(
  createRoute({
    method: "get",
    path: "/servers",
    tags,
    summary: "List servers",
    operationId: "listServers",
    request: { query: ServerListQuery },
    responses: { 200: json(ServerPage), ...errorResponses },
  }),
  async (c) => {
    const query = ServerListQuery.parse({ ...c.req.valid("query"), tag: c.req.queries("tag") });
    const { ctx, caller } = { ctx: c.get("ctx"), caller: c.get("caller") };
    const withReadings = latestReadingsOf(ctx, caller.organizationId);
    const page = await listServers(ctx, caller.organizationId, query);
    return c.json({ items: await withReadings(page.items), next_cursor: page.next_cursor }, 200);
  },
);

servers.openapi(
  createRoute({
    method: "get",
    path: "/servers/{id}",
    tags,
    summary: "Get a server",
    operationId: "getServer",
    request: { params: IdParam },
    responses: { 200: json(ListedServer), ...errorResponses },
  }),
  async (c) => {
    const { ctx, caller } = { ctx: c.get("ctx"), caller: c.get("caller") };
    const withReadings = latestReadingsOf(ctx, caller.organizationId);
    const [server] = await withReadings([await getServer(ctx, caller.organizationId, c.req.valid("param").id)]);
    return c.json(server!, 200);
  },
);

for (const method of ["patch", "put"] as const) {
  servers.openapi(
    createRoute({
      method,
      path: "/servers/{id}",
      tags,
      summary: "Update a server (fields sent are changed, others kept)",
      operationId: method === "patch" ? "updateServer" : "putServer",
      middleware: [requireRole("admin")],
      request: { params: IdParam, body: jsonBody(ServerUpdate) },
      responses: { 200: json(ListedServer), ...errorResponses },
    }),
    async (c) => {
      const { ctx, caller } = { ctx: c.get("ctx"), caller: c.get("caller") };
      const withReadings = latestReadingsOf(ctx, caller.organizationId);
      const [server] = await withReadings([await updateServer(ctx, caller.organizationId, c.req.valid("param").id, c.req.valid("json"))]);
      return c.json(server!, 200);
    },
  );
}

servers.openapi(
  createRoute({
    method: "delete",
    path: "/servers/{id}",
    tags,
    summary: "Decommission a server, or delete it with its history (?purge=true)",
    operationId: "decommissionServer",
    middleware: [requireRole("admin")],
    request: { params: IdParam, query: z.object({ purge: z.enum(["true", "false"]).optional() }) },
    responses: { 200: json(ListedServer, "decommissioned"), 204: { description: "purged" }, ...errorResponses },
  }),
  async (c) => {
    const { ctx, caller } = { ctx: c.get("ctx"), caller: c.get("caller") };
    const { id } = c.req.valid("param");
    if (c.req.valid("query").purge === "true") {
      await purgeServer(ctx, caller.organizationId, id);
      return c.body(null, 204);
    }
    const withReadings = latestReadingsOf(ctx, caller.organizationId);
    const [server] = await withReadings([await decommissionServer(ctx, caller.organizationId, id)]);
    return c.json(server!, 200);
  },
);

servers.openapi(
  createRoute({
    method: "post",
    path: "/servers/{id}/token",
    tags,
    summary: "Rotate the stored agent token",
    operationId: "rotateServerToken",
    middleware: [requireRole("admin")],
    request: { params: IdParam, body: jsonBody(TokenRotation) },
    responses: { 200: json(ListedServer), ...errorResponses },
  }),
  async (c) => {
    const { ctx, caller } = { ctx: c.get("ctx"), caller: c.get("caller") };
    const withReadings = latestReadingsOf(ctx, caller.organizationId);
    const [server] = await withReadings([
      await rotateServerToken(ctx, caller.organizationId, c.req.valid("param").id, c.req.valid("json").api_token),
    ]);
    return c.json(server!, 200);
  },
);
