// API keys: random, shown once, stored as SHA-256 hashes, each bound to one organization and one role.
import { createHash, randomBytes } from "node:crypto";
import type { Caller, FleetContext, Role } from "../context.js";
import { Conflict, NotFound, Unauthenticated } from "../errors.js";
import { isId, newId } from "../ids.js";
import { API_KEY_PREFIX, keys } from "../store/keys.js";
import type { ApiKey } from "./schema.js";

export const DEFAULT_ORGANIZATION_ID = "default";

interface KeyHashItem {
  organization_id: string;
  role: Role;
  key_id: string;
  platform?: boolean;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** 32 random bytes; the prefix makes a leaked key easy to recognise in logs and secret scanners. */
export function generateKey(): string {
  return `fpk_${randomBytes(32).toString("base64url")}`;
}

/**
 * Known keys are remembered for `apiKeyCacheSeconds` per process (a read saved on every request); a
 * revocation takes effect at once in the process that made it and within that time everywhere else.
 * Unknown keys are never cached, so guessing cannot fill memory.
 */
const knownKeys = new WeakMap<FleetContext, Map<string, { caller: Caller; until: number }>>();
const MAX_CACHED_KEYS = 10_000;

export async function authenticate(ctx: FleetContext, presented: string | undefined): Promise<Caller> {
  if (!presented) throw new Unauthenticated("send Authorization: Bearer <api key>");
  if (presented.length > 256) throw new Unauthenticated("unknown API key");
  const hash = hashKey(presented);
  const cache = knownKeys.get(ctx) ?? new Map<string, { caller: Caller; until: number }>();
  knownKeys.set(ctx, cache);
  const now = Date.now();
  const cached = cache.get(hash);
  if (cached && cached.until > now) return cached.caller;
  const item = await ctx.table.get<KeyHashItem & Record<string, unknown>>(keys.apiKeyHash(hash));
  if (!item) throw new Unauthenticated("unknown API key");
  const caller: Caller = { organizationId: item.organization_id, role: item.role, keyId: item.key_id, platform: item.platform === true };
  if (ctx.config.apiKeyCacheSeconds > 0) {
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(hash, { caller, until: now + ctx.config.apiKeyCacheSeconds * 1000 });
  }
  return caller;
}

export async function createApiKey(
  ctx: FleetContext,
  organizationId: string,
  input: { name: string; role: Role },
  options: { key?: string; platform?: boolean } = {},
): Promise<ApiKey & { key: string }> {
  const key = options.key ?? generateKey();
  const hash = hashKey(key);
  const record: ApiKey = {
    id: newId(),
    name: input.name,
    role: input.role,
    organization_id: organizationId,
    created_at: ctx.clock.now().toISOString(),
  };
  const platform = options.platform === true;
  await ctx.table.transact([
    { Put: { Item: { ...keys.apiKey(organizationId, record.id), entity: "api_key", ...record, key_hash: hash, platform } } },
    {
      Put: {
        Item: {
          ...keys.apiKeyHash(hash),
          entity: "api_key_hash",
          organization_id: organizationId,
          role: input.role,
          key_id: record.id,
          platform,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  ]);
  return { ...record, key };
}

export async function listApiKeys(ctx: FleetContext, organizationId: string): Promise<ApiKey[]> {
  const items = await ctx.table.queryAll<ApiKey & Record<string, unknown>>({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.organizationPartition(organizationId), ":prefix": API_KEY_PREFIX },
  });
  return items.map(({ id, name, role, organization_id, created_at }) => ({ id, name, role, organization_id, created_at }));
}

/**
 * Keys are stored as unsalted SHA-256, which is safe for generated keys (256 random bits) but lets a leaked table
 * test guesses of a chosen one offline; so a chosen key must be long enough that guessing is hopeless.
 */
export const MIN_CHOSEN_KEY_CHARS = 32;

export function checkChosenKey(key: string): void {
  if (key.length < MIN_CHOSEN_KEY_CHARS || key.length > 256)
    throw new Error(`the platform key must be ${MIN_CHOSEN_KEY_CHARS} to 256 characters (generate one: openssl rand -base64 32)`);
}

/** Revokes every platform key but the one with `keepHash` (the configured key after a rotation). */
export async function revokePlatformKeysExcept(ctx: FleetContext, keepHash: string): Promise<number> {
  const items = await ctx.table.queryAll<{ id: string; key_hash: string; platform?: boolean }>({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.organizationPartition(DEFAULT_ORGANIZATION_ID), ":prefix": API_KEY_PREFIX },
  });
  const stale = items.filter((item) => item.platform === true && item.key_hash !== keepHash);
  for (const item of stale) {
    await ctx.table.transact([
      { Delete: { Key: keys.apiKey(DEFAULT_ORGANIZATION_ID, item.id) } },
      { Delete: { Key: keys.apiKeyHash(item.key_hash) } },
    ]);
    knownKeys.get(ctx)?.delete(item.key_hash);
  }
  return stale.length;
}

export async function revokeApiKey(ctx: FleetContext, organizationId: string, id: string): Promise<void> {
  const item = isId(id) ? await ctx.table.get<{ key_hash: string; platform?: boolean }>(keys.apiKey(organizationId, id)) : undefined;
  if (!item) throw new NotFound(`API key ${id} not found`);
  if (item.platform) throw new Conflict("the platform key is configured at start-up and cannot be revoked through the API");
  await ctx.table.transact([{ Delete: { Key: keys.apiKey(organizationId, id) } }, { Delete: { Key: keys.apiKeyHash(item.key_hash) } }]);
  knownKeys.get(ctx)?.delete(item.key_hash);
}
