// Every table key Fleetplane writes is built here, so the single-table layout reads in one place.
import { ACTIVE_SHARDS } from "./table-definition.js";

export interface Key {
  pk: string;
  sk: string;
}

const org = (organizationId: string) => `ORG#${organizationId}`;
const placementPart = (value: string | null) => (value === null ? "-" : `=${encodeURIComponent(value)}`);

export const SERVER_PREFIX = "SERVER#";
/** Name guards sort by the lower-cased name: `sort=name` reads them in order. */
export const SERVER_NAME_PREFIX = "SERVERNAME#";
export const GROUP_PREFIX = "GROUP#";
export const API_KEY_PREFIX = "APIKEY#";
export const MEMBER_PREFIX = "MEMBER#";
export const OUTBOX_PREFIX = "OUTBOX#";
export const WEBHOOK_PREFIX = "WEBHOOK#";
export const DELIVERY_PREFIX = "DELIVERY#";
/** gsi1 partition holding only webhook deliveries waiting for an attempt (all organizations), by due time. */
export const DUE_DELIVERIES = "WEBHOOKS#DUE";
export const OPERATION_PREFIX = "OPERATION#";
export const TARGET_PREFIX = "TARGET#";
export const OPEN_ALERT_PREFIX = "OPEN#";
export const RESOLVED_ALERT_PREFIX = "RESOLVED#";
/** gsi1 partition holding only unfinished bulk operations (all organizations), for resuming after a restart. */
export const UNFINISHED_OPERATIONS = "OPERATIONS#UNFINISHED";

export const keys = {
  organization: (organizationId: string): Key => ({ pk: org(organizationId), sk: "ORG" }),
  organizationName: (name: string): Key => ({ pk: "ORGNAME", sk: name.toLowerCase() }),
  organizationPartition: org,

  /** Looked up on every request: the SHA-256 of a presented key → its organization and role. */
  apiKeyHash: (hash: string): Key => ({ pk: `KEYHASH#${hash}`, sk: "KEYHASH" }),
  apiKey: (organizationId: string, id: string): Key => ({ pk: org(organizationId), sk: `${API_KEY_PREFIX}${id}` }),
  /** Marks that the platform's bootstrap key has been created, so it is generated only once. */
  bootstrapMarker: (): Key => ({ pk: "PLATFORM", sk: "BOOTSTRAP" }),

  server: (organizationId: string, id: string): Key => ({ pk: org(organizationId), sk: `${SERVER_PREFIX}${id}` }),
  /** Guards name uniqueness within an organization (case-insensitive). */
  serverName: (organizationId: string, name: string): Key => ({
    pk: org(organizationId),
    sk: `${SERVER_NAME_PREFIX}${name.toLowerCase()}`,
  }),

  group: (organizationId: string, id: string): Key => ({ pk: org(organizationId), sk: `${GROUP_PREFIX}${id}` }),
  groupMembers: (organizationId: string, groupId: string): string => `${org(organizationId)}#GROUP#${groupId}`,
  groupMember: (organizationId: string, groupId: string, serverId: string): Key => ({
    pk: `${org(organizationId)}#GROUP#${groupId}`,
    sk: `${MEMBER_PREFIX}${serverId}`,
  }),

  /** A bulk operation, in its organization's partition; ids are time-ordered, so a reverse query lists newest first. */
  operation: (organizationId: string, id: string): Key => ({ pk: org(organizationId), sk: `${OPERATION_PREFIX}${id}` }),
  /**
   * One shard of the operation's counters, apart from the operation (whose parameters can be KiBs): every
   * server's result updates one small shard (a transactional write costs 2 units per KiB), and concurrent
   * results rarely meet on the same item. Shards sort right after the operation: one Query reads them all.
   */
  operationProgress: (organizationId: string, id: string, shard: number): Key => ({
    pk: org(organizationId),
    sk: `${OPERATION_PREFIX}${id}#PROGRESS#${String(shard).padStart(2, "0")}`,
  }),
  /** Reserves a client's idempotency key for one operation. */
  operationIdempotencyKey: (organizationId: string, key: string): Key => ({ pk: org(organizationId), sk: `OPKEY#${key}` }),
  /** Partition of an operation's per-server progress items. */
  operationTargets: (organizationId: string, operationId: string): string => `${org(organizationId)}#OPERATION#${operationId}`,
  /** One target server of an operation, by its position in the resolved target list (the Map iterates positions). */
  operationTarget: (organizationId: string, operationId: string, position: number): Key => ({
    pk: `${org(organizationId)}#OPERATION#${operationId}`,
    sk: `${TARGET_PREFIX}${String(position).padStart(6, "0")}`,
  }),

  summary: (organizationId: string): Key => ({ pk: org(organizationId), sk: "SUMMARY" }),
  /** The organization's agent-token data key, wrapped by KMS (AWS only); `version` is what a ciphertext names. */
  organizationDataKey: (organizationId: string, version: string): Key => ({ pk: org(organizationId), sk: `DATAKEY#${version}` }),

  /**
   * An organization's outbox: its events by id (UUIDv7, so in time order). The bus is fed from it (the
   * table's stream in AWS, the local relay locally) and GET /events reads it until the items expire.
   */
  outbox: (organizationId: string, eventId: string): Key => ({ pk: keys.outboxPartition(organizationId), sk: eventId }),
  outboxPartition: (organizationId: string): string => `${OUTBOX_PREFIX}${organizationId}`,
  /** How far the local relay has delivered an organization's outbox (the local stand-in for a stream position). */
  outboxRelayMark: (organizationId: string): Key => ({ pk: "PLATFORM", sk: `OUTBOXRELAY#${organizationId}` }),
  /** Every organization's name item lives here; the local relay lists organizations from it. */
  organizationNames: (): string => "ORGNAME",

  /** A webhook subscription, in its organization's partition. */
  webhook: (organizationId: string, id: string): Key => ({ pk: org(organizationId), sk: `${WEBHOOK_PREFIX}${id}` }),
  /** Partition of a webhook's deliveries; one item per event (sort key = event id), so a redelivered event finds its item. */
  webhookDeliveries: (organizationId: string, webhookId: string): string => `${org(organizationId)}#WEBHOOK#${webhookId}`,
  webhookDelivery: (organizationId: string, webhookId: string, eventId: string): Key => ({
    pk: keys.webhookDeliveries(organizationId, webhookId),
    sk: `${DELIVERY_PREFIX}${eventId}`,
  }),
  /** Marks an event the outbox redrive has republished (outside `OUTBOX#`, so the stream filter ignores it). */
  outboxRedrive: (eventId: string): Key => ({ pk: "OUTBOX-REDRIVE", sk: eventId }),

  /** Partition key of the `placement` index: one per organization, environment and region (values escaped, null "-"). */
  placement: (organizationId: string, environment: string | null, region: string | null): string =>
    `${org(organizationId)}#${placementPart(environment)}#${placementPart(region)}`,

  /** Partition of an organization's servers that carry one tag: what a tag filter reads (the tag escaped). */
  tagPartition: (organizationId: string, tag: string): string => `${org(organizationId)}#TAG#${encodeURIComponent(tag)}`,
  /** A server's entry under one of its tags, sorted like the server itself (registration order). */
  serverTag: (organizationId: string, tag: string, serverId: string): Key => ({
    pk: keys.tagPartition(organizationId, tag),
    sk: `${SERVER_PREFIX}${serverId}`,
  }),
  /** Which version of the item layout a table holds (tag entries came with version 2); the local runtime upgrades older tables. */
  layoutMarker: (): Key => ({ pk: "PLATFORM", sk: "LAYOUT" }),

  /** Partition key of the sparse `active` index for a server id. */
  activeShard: (serverId: string): string => `ACTIVE#${shardOf(serverId, ACTIVE_SHARDS)}`,
  activeShardPartition: (shard: number): string => `ACTIVE#${shard}`,

  // Probing: per-server time series are packed per probe group (a stable hash slice of an organization's
  // servers) so one item carries many servers' records: write units follow bytes, not servers.
  /** How many probe groups the organization's servers are split into now, and before (probes/probe-layout.ts). */
  probeLayout: (organizationId: string): Key => ({ pk: org(organizationId), sk: "PROBELAYOUT" }),
  /** Partition of a probe group's state (failures, backoff, alerts) and progress (last success, metrics cursor) items. */
  probeGroup: (organizationId: string, group: number): string => `${org(organizationId)}#PROBE#${group}`,
  probeState: (organizationId: string, group: number): Key => ({ pk: keys.probeGroup(organizationId, group), sk: "STATE" }),
  probeProgress: (organizationId: string, group: number): Key => ({ pk: keys.probeGroup(organizationId, group), sk: "PROGRESS" }),
  /** Partition of an organization's alert records: open ones by server and rule, resolved ones by resolution time. */
  alerts: (organizationId: string): string => `${org(organizationId)}#ALERT`,
  openAlert: (organizationId: string, serverId: string, rule: string): Key => ({
    pk: keys.alerts(organizationId),
    sk: `${OPEN_ALERT_PREFIX}${serverId}#${rule}`,
  }),
  resolvedAlert: (organizationId: string, resolvedAt: string, serverId: string, rule: string): Key => ({
    pk: keys.alerts(organizationId),
    sk: `${RESOLVED_ALERT_PREFIX}${resolvedAt}#${serverId}#${rule}`,
  }),
  /** Partition of a probe group's health-check records (one item per check cycle, sort key = time). */
  healthChecks: (organizationId: string, group: number): string => `${org(organizationId)}#HC#${group}`,
  healthCheck: (organizationId: string, group: number, at: string, suffix = ""): Key => ({
    pk: `${org(organizationId)}#HC#${group}`,
    sk: `${at}${suffix}`,
  }),
  /** Partition of a probe group's metrics of one period (1m points or 5m/1h/1d rollups), sort key = bucket start. */
  metrics: (organizationId: string, group: number, period: string): string => `${org(organizationId)}#M${period}#${group}`,
  metricsBucket: (organizationId: string, group: number, period: string, bucketStart: string): Key => ({
    pk: `${org(organizationId)}#M${period}#${group}`,
    sk: bucketStart,
  }),
  /** Progress of one POST /health-check/all run. */
  healthSweep: (organizationId: string, id: string): Key => ({ pk: org(organizationId), sk: `HEALTHSWEEP#${id}` }),
};

/** A stable shard number for an id (FNV-1a), so the same id always lands in the same shard. */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
