// What the dispatcher hands a probe worker: whole probe groups of active servers, and the port that carries them.
import type { ServerItem } from "../servers/server-item.js";

// Servers of an organization are split into probe groups by a stable hash of their id (probe-layout.ts: how
// many depends on the organization's size). A group's records share items (one item per check cycle, one per
// metrics minute), so writes are paid per kilobyte rather than per server.

/**
 * A server's key inside its group's packed items: the last 12 hex digits of its UUIDv7 (48 random bits;
 * two members of one group colliding is about a one-in-a-billion event at 1,000 members). Saves 24 bytes
 * per server in every check and metrics item, which is a fifth of a one-minute point.
 */
export function memberKey(serverId: string): string {
  return serverId.slice(-12);
}

/**
 * The fields of a server item a probe needs; carried in the batch so workers do not read the servers again.
 * They are what the `active` index projects: none of them changes when a probe writes the server, so
 * probing never writes the index. The health last written is kept in the group state instead.
 */
export interface ProbeTarget {
  id: string;
  name: string;
  api_url: string;
  api_token_enc: string;
}

export function probeTarget(item: Pick<ServerItem, "id" | "name" | "api_url" | "api_token_enc">): ProbeTarget {
  return { id: item.id, name: item.name, api_url: item.api_url, api_token_enc: item.api_token_enc };
}

/** SQS's limit on one message, and on the payloads of one SendMessageBatch request: a batch is cut to fit it. */
export const MAX_BATCH_BYTES = 256 * 1024;

/** Every active member of one probe group. */
export interface ProbeGroupWork {
  organization_id: string;
  group: number;
  servers: ProbeTarget[];
}

export interface ProbeBatch {
  /** The cycle's time: due dates, records and rollups are computed from it, not from when a worker runs. */
  at: string;
  /** Also collect metrics (every metrics interval; health-only cycles in between). */
  metrics: boolean;
  /** Probe even servers in backoff (POST /health-check/all). */
  force?: boolean;
  /** The POST /health-check/all run whose progress this batch advances. */
  sweep?: { organization_id: string; id: string };
  groups: ProbeGroupWork[];
}

/** The port between dispatcher and workers. */
export interface ProbeQueue {
  /** Hands batches to workers; `delaySeconds` postpones them (the 30 s wave in AWS). */
  send(batches: ProbeBatch[], options?: { delaySeconds?: number }): Promise<void>;
}

export function batchServers(batch: ProbeBatch): number {
  return batch.groups.reduce((n, g) => n + g.servers.length, 0);
}
