// Maps every failure to the error envelope and one HTTP status; 500s say nothing internal.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { Conflict, DomainError, Forbidden, NotFound, PayloadTooLarge, RateLimited, Unauthenticated, ValidationFailed } from "../errors.js";

const STATUS = new Map<Function, ContentfulStatusCode>([
  [ValidationFailed, 400],
  [Unauthenticated, 401],
  [Forbidden, 403],
  [NotFound, 404],
  [Conflict, 409],
  [PayloadTooLarge, 413],
  [RateLimited, 429],
]);

export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof DomainError) {
    const body = { error: { code: error.code, message: error.message, ...(error.details.length ? { details: error.details } : {}) } };
    return c.json(body, STATUS.get(error.constructor) ?? 400);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code = error.status === 400 ? "bad_request" : error.status === 413 ? "payload_too_large" : "http_error";
    return c.json({ error: { code, message: error.message || "bad request" } }, error.status as ContentfulStatusCode);
  }
  console.error(JSON.stringify({ level: "error", msg: "unhandled error", method: c.req.method, path: c.req.path, error: describe(error) }));
  return c.json({ error: { code: "internal", message: "internal error" } }, 500);
}

export function notFoundResponse(c: Context): Response {
  return c.json({ error: { code: "not_found", message: `no route for ${c.req.method} ${c.req.path}` } }, 404);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
}
