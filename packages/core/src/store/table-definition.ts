// The single DynamoDB table's shape, defined once: CDK deploys it and the local runtime creates it.

/** Partition and sort key attribute names of the base table. */
export const PK = "pk";
export const SK = "sk";
/** Epoch seconds after which an item is expired; DynamoDB TTL deletes it, reads ignore it before that. */
export const TTL_ATTRIBUTE = "expires_at";

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Attributes copied into the index besides the keys (an INCLUDE projection). */
  readonly projects: readonly string[];
}

/**
 * Secondary indexes. All are sparse: an item appears only when it carries the key attributes.
 * - `gsi1`: general-purpose inverted lookups (unfinished operations, a server's group memberships).
 * - `active`: only servers whose lifecycle status is `active`, spread over shards so the probe
 *   dispatcher reads a fleet in parallel without a hot partition.
 * - `placement`: servers by organization, environment and region, in registration order, so a list
 *   filtered by environment or region reads its matches rather than the whole fleet.
 *
 * Each projects only attributes that never change while an item sits in the index. DynamoDB writes an
 * index entry (and bills it) whenever a projected attribute changes: with every attribute projected,
 * each heartbeat and health transition of a server, and each progress update of an operation, would pay
 * a second write. dynalite does not report index writes, so this is kept by design, not by measurement.
 */
export const INDEXES = {
  gsi1: { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk", projects: ["organization_id", "id", "group_id"] },
  active: {
    name: "active",
    partitionKey: "active_shard",
    sortKey: "sk",
    projects: ["organization_id", "id", "name", "api_url", "api_token_enc", "status"],
  },
  placement: { name: "placement", partitionKey: "placement", sortKey: "sk", projects: ["status", "tags", "search_text"] },
} as const satisfies Record<string, IndexDefinition>;

/** Every key attribute the table and its indexes declare (all strings). */
export const KEY_ATTRIBUTES = [PK, SK, ...new Set(Object.values(INDEXES).flatMap((i) => [i.partitionKey, i.sortKey]))].filter(
  (name, position, all) => all.indexOf(name) === position,
);

/** Number of shards of the `active` index; a server's shard is a stable hash of its id. */
export const ACTIVE_SHARDS = 16;
