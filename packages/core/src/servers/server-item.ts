// How a server is stored: the wire record plus the encrypted agent token, a revision, index keys, and an entry per tag.
import { keys } from "../store/keys.js";
import type { Projection } from "../store/table.js";
import { TTL_ATTRIBUTE } from "../store/table-definition.js";
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

/** What a server read back needs to hold to become its public record. */
export type StoredServer = Pick<ServerItem, (typeof SERVER_FIELDS)[number]>;

/**
 * A ProjectionExpression of the public record's attributes, and of `extra` ones: a list reads back only what
 * it returns, about two thirds of a stored server, and never the token's ciphertext. (DynamoDB bills the
 * whole item either way; the answer is what shrinks.) `expires_at` comes too, since reads drop expired items by it.
 */
export function serverProjection(...extra: Array<keyof ServerItem>): Projection {
  const attributes = [...SERVER_FIELDS, ...extra, TTL_ATTRIBUTE];
  return {
    expression: attributes.map((attribute) => `#${attribute}`).join(", "),
    names: Object.fromEntries(attributes.map((attribute) => [`#${attribute}`, attribute])),
  };
}

/** The public record: an allowlist of fields, so internal attributes (the token above all) never leak. */
export function toServer(item: StoredServer): Server {
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
 * A server's entry under each of its tags: a tag filter reads the tag's partition, so it reads only servers
 * carrying the tag. Entries carry every field a filter reads except health (rewritten by probes, so a
 * health filter reads servers in order); listing re-checks the server it fetches.
 */
export type ServerTagItem = {
  pk: string;
  sk: string;
  entity: "server_tag";
  status: Server["status"];
  environment: string | null;
  region: string | null;
  tags: string[];
  search_text: string;
};

const TAG_ENTRY_FIELDS = ["status", "environment", "region", "tags", "search_text"] as const;

export function tagItems(item: ServerItem): ServerTagItem[] {
  return (item.tags ?? []).map((tag) => ({
    ...keys.serverTag(item.organization_id, tag, item.id),
    entity: "server_tag",
    status: item.status,
    environment: item.environment ?? null,
    region: item.region ?? null,
    tags: item.tags,
    search_text: item.search_text ?? "",
  }));
}

/**
 * A server's name guard: reserves its name in the organization (case-insensitive) and, sorted by the lower-cased
 * name, is what `sort=name` reads. It carries the same filter fields as a tag entry, so a filtered listing by
 * name reads only (nearly) matching servers; like the tag entries it is rewritten when one of them changes.
 */
export type ServerNameItem = Omit<ServerTagItem, "entity"> & { entity: "server_name"; server_id: string };

export function nameItem(item: ServerItem): ServerNameItem {
  return {
    ...keys.serverName(item.organization_id, item.name),
    entity: "server_name",
    server_id: item.id,
    status: item.status,
    environment: item.environment ?? null,
    region: item.region ?? null,
    tags: item.tags ?? [],
    search_text: item.search_text ?? "",
  };
}

/** Whether a change leaves the tag entries and the name guard's fields as they are (no field they carry changed). */
export function sameTagEntries(before: ServerItem, after: ServerItem): boolean {
  return TAG_ENTRY_FIELDS.every((field) => JSON.stringify(before[field] ?? null) === JSON.stringify(after[field] ?? null));
}

/** The layout version this code writes; a table holding an older one is upgraded (locally: rebuilt). */
export const ITEM_LAYOUT_VERSION = 3;

/**
 * The items an item of an earlier layout becomes today: servers get the `placement` key (version 1 lacked
 * the index), their tag entries (version 2) and name guards carrying the filter fields (version 3), which are
 * made anew from them (so existing entries and guards are dropped). Other items are returned as they are.
 */
export function inCurrentLayout(item: Record<string, unknown>): Record<string, unknown>[] {
  if (item.entity === "server_tag" || item.entity === "server_name") return [];
  if (item.entity !== "server") return [item];
  const server = item as unknown as ServerItem;
  const upgraded = { ...server, placement: keys.placement(server.organization_id, server.environment ?? null, server.region ?? null) };
  // (A server always has a name; an item without one gets no guard rather than a broken one.)
  const guard = typeof server.name === "string" ? [nameItem(upgraded)] : [];
  return [upgraded, ...guard, ...tagItems(upgraded)];
}
