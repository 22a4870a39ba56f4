// Authentication (Bearer API key → caller) and role checks.
import type { MiddlewareHandler } from "hono";
import { authenticate } from "../../auth/api-keys.js";
import { roleAtLeast, type Role } from "../../context.js";
import { Forbidden } from "../../errors.js";
import type { ApiEnv } from "../env.js";

export const requireApiKey: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const caller = await authenticate(c.get("ctx"), match?.[1]);
  c.set("caller", caller);
  // Every later log line of this request names the organization it acts in.
  c.get("ctx").signals?.correlate({ organization_id: caller.organizationId });
  await next();
};

export function requireRole(role: Role): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const caller = c.get("caller");
    if (!roleAtLeast(caller.role, role)) throw new Forbidden(`this needs the ${role} role; the key has ${caller.role}`);
    await next();
  };
}

export const requirePlatformKey: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (!c.get("caller").platform) throw new Forbidden("only the platform (bootstrap) key creates organizations");
  await next();
};
