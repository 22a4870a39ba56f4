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

const HTTP_CODES = new Map<number, string>([
  [400, "bad_request"],
  [413, "payload_too_large"],
  [415, "unsupported_media_type"],
]);

/** Messages quote client values (ids, names); a bounded message never echoes a megabyte back. */
const MAX_MESSAGE_CHARS = 300;

export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof DomainError) {
    const details = error.details.map((d) => ({ path: bounded(d.path), message: bounded(d.message) }));
    const body = { error: { code: error.code, message: bounded(error.message), ...(details.length ? { details } : {}) } };
    if (error instanceof Unauthenticated) c.header("WWW-Authenticate", 'Bearer realm="fleetplane"');
    return c.json(body, STATUS.get(error.constructor) ?? 400);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code = HTTP_CODES.get(error.status) ?? "http_error";
    return c.json({ error: { code, message: bounded(error.message || "bad request") } }, error.status as ContentfulStatusCode);
  }
  console.error(JSON.stringify({ level: "error", msg: "unhandled error", method: c.req.method, path: c.req.path, error: describe(error) }));
  return c.json({ error: { code: "internal", message: "internal error" } }, 500);
}

export function notFoundResponse(c: Context): Response {
  return c.json({ error: { code: "not_found", message: bounded(`no route for ${c.req.method} ${c.req.path}`) } }, 404);
}

function bounded(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS)}…`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
}
