// API keys and organizations on the wire.
import { z } from "@hono/zod-openapi";
import { ROLES } from "../context.js";
import { DisplayName } from "../names.js";

export const Role = z.enum(ROLES).openapi("Role");

export const ApiKeyCreate = z
  .object({ name: DisplayName(128), role: Role })
  .strict()
  .openapi("ApiKeyCreate", { example: { name: "ci-deploy", role: "operator" } });
export type ApiKeyCreate = z.infer<typeof ApiKeyCreate>;

export const ApiKey = z
  .object({ id: z.string(), name: z.string(), role: Role, organization_id: z.string(), created_at: z.string() })
  .openapi("ApiKey");
export type ApiKey = z.infer<typeof ApiKey>;

export const ApiKeyWithSecret = ApiKey.extend({ key: z.string().openapi({ description: "shown once; store it now" }) }).openapi(
  "ApiKeyWithSecret",
);

export const OrganizationCreate = z
  .object({ name: DisplayName(128) })
  .strict()
  .openapi("OrganizationCreate");

export const OrganizationCreated = z
  .object({ organization: z.object({ id: z.string(), name: z.string() }), admin_key: z.string() })
  .openapi("OrganizationCreated");
