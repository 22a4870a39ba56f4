// /api-keys (admin) and /organizations (platform key).
import { createRoute, z } from "@hono/zod-openapi";
import { createApiKey, listApiKeys, revokeApiKey } from "../../auth/api-keys.js";
import { createOrganization } from "../../auth/organizations.js";
import { ApiKey, ApiKeyCreate, ApiKeyWithSecret, OrganizationCreate, OrganizationCreated } from "../../auth/schema.js";
import { errorResponses, IdParam, json, jsonBody, router } from "../env.js";
import { requirePlatformKey, requireRole } from "../middleware/auth.js";

export const apiKeys = router();
const tags = ["api keys"];
const admin = [requireRole("admin")];

apiKeys.openapi(
  createRoute({
    method: "post",
    path: "/api-keys",
    tags,
    summary: "Create an API key (the key is shown once)",
    operationId: "createApiKey",
    middleware: admin,
    request: { body: jsonBody(ApiKeyCreate) },
    responses: { 201: json(ApiKeyWithSecret, "created"), ...errorResponses },
  }),
  async (c) => c.json(await createApiKey(c.get("ctx"), c.get("caller").organizationId, c.req.valid("json")), 201),
);

apiKeys.openapi(
  createRoute({
    method: "get",
    path: "/api-keys",
    tags,
    summary: "List API keys (without the keys)",
    operationId: "listApiKeys",
    middleware: admin,
    responses: { 200: json(z.object({ items: z.array(ApiKey) })), ...errorResponses },
  }),
  async (c) => c.json({ items: await listApiKeys(c.get("ctx"), c.get("caller").organizationId) }, 200),
);

apiKeys.openapi(
  createRoute({
    method: "delete",
    path: "/api-keys/{id}",
    tags,
    summary: "Revoke an API key",
    operationId: "revokeApiKey",
    middleware: admin,
    request: { params: IdParam },
    responses: { 204: { description: "revoked" }, ...errorResponses },
  }),
  async (c) => {
    await revokeApiKey(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id);
    return c.body(null, 204);
  },
);

const Me = z
  .object({ key_id: z.string(), organization_id: z.string(), role: z.enum(["viewer", "operator", "admin"]), platform: z.boolean() })
  .openapi("Me");

apiKeys.openapi(
  createRoute({
    method: "get",
    path: "/me",
    tags,
    summary: "The calling key: its organization and role",
    operationId: "getCurrentKey",
    responses: { 200: json(Me), ...errorResponses },
  }),
  async (c) => {
    const { keyId, organizationId, role, platform } = c.get("caller");
    return c.json({ key_id: keyId, organization_id: organizationId, role, platform }, 200);
  },
);

export const organizations = router();

organizations.openapi(
  createRoute({
    method: "post",
    path: "/organizations",
    tags: ["organizations"],
    summary: "Create an organization and its first admin key",
    operationId: "createOrganization",
    middleware: [requirePlatformKey],
    request: { body: jsonBody(OrganizationCreate) },
    responses: { 201: json(OrganizationCreated, "created"), ...errorResponses },
  }),
  async (c) => c.json(await createOrganization(c.get("ctx"), c.req.valid("json").name), 201),
);
