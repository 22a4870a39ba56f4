// Maps every failure to the error envelope and one HTTP status; 500s say nothing internal.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FleetContext } from "../context.js";
import type { Signals } from "../observability/signals.js";
import { TransactionRejected } from "../store/table.js";
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
    // The rest of the body was never read: the connection cannot carry another request, so say it closes
    // (a keep-alive client would otherwise send its next request on it and get a socket error).
    if (error instanceof PayloadTooLarge) c.header("Connection", "close");
    return c.json(body, STATUS.get(error.constructor) ?? 400);
  }
  if (isContention(error)) {
    // A write path that let a lost race escape: the request met a concurrent change, which a retry resolves.
    signalsOf(c)?.log.warn("write lost a race", { method: c.req.method, path: c.req.path, error: describe(error) });
    return c.json({ error: { code: "conflict", message: "the resource was changed by another request at the same time; retry" } }, 409);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code = HTTP_CODES.get(error.status) ?? "http_error";
    return c.json({ error: { code, message: bounded(error.message || "bad request") } }, error.status as ContentfulStatusCode);
  }
  signalsOf(c)?.log.error("unhandled error", { method: c.req.method, path: c.req.path, error: describe(error) });
  return c.json({ error: { code: "internal", message: "internal error" } }, 500);
}

/** The request's telemetry (absent before the context is set, and in unit tests). */
function signalsOf(c: Context): Signals | undefined {
  return (c.get("ctx") as FleetContext | undefined)?.signals;
}

export function notFoundResponse(c: Context): Response {
  return c.json({ error: { code: "not_found", message: bounded(`no route for ${c.req.method} ${c.req.path}`) } }, 404);
}

/** A failed write condition or a transaction that kept colliding: contention, never a server fault. */
function isContention(error: unknown): boolean {
  if (error instanceof TransactionRejected)
    return error.reasons.every((r) => r === "None" || r === "ConditionalCheckFailed" || r === "TransactionConflict");
  const name = (error as Error | undefined)?.name;
  return name === "ConditionalCheckFailedException" || (name === "TransactionCanceledException" && conflictOnly(error));
}

function conflictOnly(error: unknown): boolean {
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.every((r) => r.Code === undefined || r.Code === "None" || r.Code === "TransactionConflict");
}

function bounded(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS)}…`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
}
