// What every way of listing servers shares: the filters as a DynamoDB FilterExpression and as a re-check on a
// server read back, how many items a filtered read asks for, and the opaque cursors (by id or by name).
import { ValidationFailed } from "../errors.js";
import type { Server, ServerListQuery } from "./schema.js";
import type { StoredServer } from "./server-item.js";

/** A server as a page's re-check reads it: its public record's attributes, its sort key and search text. */
export type CheckedServer = StoredServer & { sk: string; search_text: string };

export interface ServerPage {
  items: Server[];
  next_cursor: string | null;
}

/** Items examined per request at most; a selective filter returns a short page and a cursor rather than scan on. */
export const LIST_SCAN_BUDGET = 5_000;

export interface ServerFilter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
  /** Whether it asks for more than the default (every server but decommissioned ones). */
  selective: boolean;
}

/** The list filters as a DynamoDB FilterExpression: every condition must hold. */
export function serverFilter(query: ServerListQuery): ServerFilter {
  const conditions: string[] = [];
  const names: Record<string, string> = { "#status": "status" };
  const values: Record<string, unknown> = {};
  // Decommissioned servers are hidden unless asked for by status.
  if (query.status) {
    conditions.push("#status = :status");
    values[":status"] = query.status;
  } else {
    conditions.push("#status <> :decommissioned");
    values[":decommissioned"] = "decommissioned";
  }
  const equal = (attribute: "health_status" | "region" | "environment", value: string | undefined) => {
    if (value === undefined) return;
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    conditions.push(`#${attribute} = :${attribute}`);
  };
  equal("health_status", query.health_status);
  equal("region", query.region);
  equal("environment", query.environment);
  (query.tag ?? []).forEach((tag, i) => {
    names["#tags"] = "tags";
    values[`:tag${i}`] = tag;
    conditions.push(`contains(#tags, :tag${i})`);
  });
  const q = query.q?.trim().toLowerCase();
  if (q) {
    names["#search"] = "search_text";
    values[":q"] = q;
    conditions.push("contains(#search, :q)");
  }
  return { expression: conditions.join(" AND "), names, values, selective: Boolean(query.status) || conditions.length > 1 };
}

/** The list filters, checked on a server read back from the table. */
export function matches(item: CheckedServer, query: ServerListQuery): boolean {
  const q = query.q?.trim().toLowerCase();
  return (
    (query.status ? item.status === query.status : item.status !== "decommissioned") &&
    (!query.health_status || item.health_status === query.health_status) &&
    (!query.environment || item.environment === query.environment) &&
    (!query.region || item.region === query.region) &&
    (query.tag ?? []).every((tag) => item.tags.includes(tag)) &&
    (!q || item.search_text.includes(q))
  );
}

/**
 * Items a Query should ask for to find the `wanted - found` matches still missing. An unfiltered read asks
 * for exactly those; a filtered one for as many as should hold them at the share matching so far (before
 * the first read, the share expected from the counts), with a margin, so most pages take one read.
 * DynamoDB caps a Query's answer at 1 MB, this at 1,000 items.
 */
export function readSize(wanted: number, found: number, examined: number, selective: boolean, expected: number): number {
  if (!selective) return wanted - found;
  const matching = examined > 0 ? found / examined : expected;
  return Math.min(1_000, Math.ceil(((wanted - found) / Math.max(matching, 1 / 1_000)) * 1.2));
}

/** Where a page ends: the last server id (registration order) or lower-cased name (name order) examined. */
export type CursorPosition = { after: string } | { name: string };

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

/** The position a cursor names, for the order asked for now: a cursor of the other order is refused. */
export function decodeCursor(cursor: string, order: "registered" | "name"): string {
  try {
    const position = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown; name?: unknown };
    const value = order === "name" ? position.name : position.after;
    const max = order === "name" ? 256 : 64;
    if (typeof value === "string" && value.length > 0 && value.length <= max) return value;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationFailed("cursor is not valid", [
    { path: "cursor", message: "use next_cursor from a previous page of the same sort order" },
  ]);
}
