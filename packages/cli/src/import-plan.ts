// What importing an inventory would do, server by server: create, update (which fields) or leave unchanged.
import type { Server } from "@fleetplane/client";
import type { InventoryRow } from "./inventory.js";

export type PlannedAction =
  | { action: "create"; row: InventoryRow; name: string; body: Record<string, unknown> }
  | { action: "update"; row: InventoryRow; name: string; server: Server; changes: Record<string, unknown> }
  | { action: "unchanged"; row: InventoryRow; name: string; server: Server }
  | { action: "invalid"; row: InventoryRow; name: string; problems: string[] };

/**
 * Matches rows to servers by name (case-insensitively, as the API keeps names unique). `api_token` is sent
 * only when a server is created: the API never returns a token, so a stored one cannot be compared.
 */
export function planImport(rows: InventoryRow[], servers: Server[]): PlannedAction[] {
  const byName = new Map(servers.map((s) => [s.name.toLowerCase(), s]));
  const seen = new Set<string>();
  return rows.map((row): PlannedAction => {
    const name = typeof row.fields.name === "string" ? row.fields.name.trim() : `(line ${row.line})`;
    if (row.problems.length) return { action: "invalid", row, name, problems: row.problems };
    if (seen.has(name.toLowerCase())) return { action: "invalid", row, name, problems: [`repeats the name ${name}`] };
    seen.add(name.toLowerCase());
    const server = byName.get(name.toLowerCase());
    if (!server) return { action: "create", row, name, body: row.fields };
    const changes: Record<string, unknown> = {};
    for (const [field, wanted] of Object.entries(row.fields)) {
      if (field === "api_token") continue;
      if (!same(field, wanted, (server as unknown as Record<string, unknown>)[field])) changes[field] = wanted;
    }
    return Object.keys(changes).length ? { action: "update", row, name, server, changes } : { action: "unchanged", row, name, server };
  });
}

function same(field: string, wanted: unknown, current: unknown): boolean {
  if (field === "tags" && Array.isArray(wanted) && Array.isArray(current))
    return canonical([...wanted].map(String).sort()) === canonical([...current].sort());
  if (typeof wanted === "string" && typeof current === "string") return wanted.trim() === current;
  if (typeof wanted === "number" && typeof current === "string") return String(wanted) === current;
  return canonical(wanted ?? null) === canonical(current ?? null);
}

/** JSON with object keys sorted, so metadata compares by content. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
