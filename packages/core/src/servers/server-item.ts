// How a server is stored: the wire record plus the encrypted agent token, a revision and index keys.
import { keys } from "../store/keys.js";
import type { Server } from "./schema.js";

export interface ServerItem extends Server {
  pk: string;
  sk: string;
  entity: "server";
  /** AES-GCM (locally) or KMS-envelope (AWS) ciphertext of the agent token; never leaves the domain. */
  api_token_enc: string;
  /** Incremented on every write; updates are conditional on it so summary deltas are computed from the true previous state. */
  revision: number;
  /** Lower-cased name and hostname, for `q` search. */
  search_text: string;
  /** Present only while `status` is `active`: puts the server in the sparse index the probe dispatcher reads. */
  active_shard?: string;
  /** Organization, environment and region: the `placement` index behind environment and region filters. */
  placement: string;
}

const SERVER_FIELDS = [
  "id",
  "organization_id",
  "name",
  "description",
  "hostname",
  "api_url",
  "version",
  "region",
  "environment",
  "status",
  "health_status",
  "last_seen_at",
  "last_health_check_at",
  "response_time_ms",
  "tags",
  "metadata",
  "created_at",
  "updated_at",
] as const satisfies ReadonlyArray<keyof Server>;

/** The public record: an allowlist of fields, so internal attributes (the token above all) never leak. */
export function toServer(item: ServerItem): Server {
  const server = {} as Record<string, unknown>;
  for (const field of SERVER_FIELDS) server[field] = item[field] ?? null;
  server.tags = item.tags ?? [];
  server.metadata = item.metadata ?? {};
  return server as Server;
}

export function toServerItem(server: Server, tokenCiphertext: string, revision: number): ServerItem {
  const item: ServerItem = {
    ...keys.server(server.organization_id, server.id),
    entity: "server",
    ...server,
    api_token_enc: tokenCiphertext,
    revision,
    search_text: `${server.name}\n${server.hostname}`.toLowerCase(),
    placement: keys.placement(server.organization_id, server.environment ?? null, server.region ?? null),
  };
  if (server.status === "active") item.active_shard = keys.activeShard(server.id);
  return item;
}

/**
 * An item as written today, for a table rebuilt from items an earlier version wrote: servers get the index
 * keys derived from their fields (the `placement` index came later). Other items are returned as they are.
 */
export function withIndexKeys(item: Record<string, unknown>): Record<string, unknown> {
  if (item.entity !== "server") return item;
  const server = item as unknown as ServerItem;
  return { ...item, placement: keys.placement(server.organization_id, server.environment ?? null, server.region ?? null) };
}
