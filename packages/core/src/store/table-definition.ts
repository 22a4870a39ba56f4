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
}

/**
 * Secondary indexes. Both are sparse: an item appears only when it carries the key attributes.
 * - `gsi1`: general-purpose inverted lookups (operations newest-first, per-status lists).
 * - `active`: only servers whose lifecycle status is `active`, spread over shards so the probe
 *   dispatcher reads a fleet in parallel without a hot partition.
 */
export const INDEXES = {
  gsi1: { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
  active: { name: "active", partitionKey: "active_shard", sortKey: "sk" },
} as const satisfies Record<string, IndexDefinition>;

/** Every key attribute the table and its indexes declare (all strings). */
export const KEY_ATTRIBUTES = [PK, SK, ...new Set(Object.values(INDEXES).flatMap((i) => [i.partitionKey, i.sortKey]))].filter(
  (name, position, all) => all.indexOf(name) === position,
);

/** Number of shards of the `active` index; a server's shard is a stable hash of its id. */
export const ACTIVE_SHARDS = 16;
