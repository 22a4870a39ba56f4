// Security headers on every response, errors included.
import type { MiddlewareHandler } from "hono";

const ALWAYS = { "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer" };
const API = { "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'" };

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  const headers = c.req.path.startsWith("/api/") ? { ...ALWAYS, ...API } : ALWAYS;
  // Set before the handler runs, so responses built by the error handler carry them too...
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  await next();
  // ...and on the final response, for handlers that build their own Response (kept if a page set its own policy).
  for (const [name, value] of Object.entries(headers))
    if (!c.res.headers.has(name) || name !== "Content-Security-Policy") c.res.headers.set(name, value);
};
