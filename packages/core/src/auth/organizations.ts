// Organizations (tenants) and the platform's bootstrap key, which administers `default` and creates the others.
import type { FleetContext } from "../context.js";
import { Conflict } from "../errors.js";
import { newId } from "../ids.js";
import { keys } from "../store/keys.js";
import { TransactionRejected } from "../store/table.js";
import { checkChosenKey, createApiKey, DEFAULT_ORGANIZATION_ID, hashKey, revokePlatformKeysExcept } from "./api-keys.js";

export async function createOrganization(
  ctx: FleetContext,
  name: string,
): Promise<{ organization: { id: string; name: string }; admin_key: string }> {
  const organization = { id: newId(), name };
  await putOrganization(ctx, organization);
  const admin = await createApiKey(ctx, organization.id, { name: `${name} admin`, role: "admin" });
  return { organization, admin_key: admin.key };
}

/**
 * Makes sure organization `default` and a platform key exist. With `key`, that key becomes (or stays) the
 * platform key and every earlier platform key is revoked: changing the configured key rotates it. Without, a
 * key is generated the first time only and returned so it can be printed once.
 */
export async function ensureBootstrapKey(ctx: FleetContext, key?: string): Promise<{ key: string; created: boolean } | undefined> {
  const existing = await ctx.table.get(keys.organization(DEFAULT_ORGANIZATION_ID), { consistent: true });
  if (!existing) await putOrganization(ctx, { id: DEFAULT_ORGANIZATION_ID, name: DEFAULT_ORGANIZATION_ID }).catch(ignoreConflict);
  if (key) {
    checkChosenKey(key);
    const exists = await ctx.table.get(keys.apiKeyHash(hashKey(key)), { consistent: true });
    if (!exists) await createApiKey(ctx, DEFAULT_ORGANIZATION_ID, { name: "platform", role: "admin" }, { key, platform: true });
    // Every start with a configured key revokes any other platform key, so a crash between the two steps heals.
    await revokePlatformKeysExcept(ctx, hashKey(key));
    return { key, created: !exists };
  }
  try {
    await ctx.table.put({
      Item: { ...keys.bootstrapMarker(), created_at: ctx.clock.now().toISOString() },
      ConditionExpression: "attribute_not_exists(pk)",
    });
  } catch (error) {
    if ((error as Error).name === "ConditionalCheckFailedException") return undefined;
    throw error;
  }
  const created = await createApiKey(ctx, DEFAULT_ORGANIZATION_ID, { name: "platform", role: "admin" }, { platform: true });
  return { key: created.key, created: true };
}

async function putOrganization(ctx: FleetContext, organization: { id: string; name: string }): Promise<void> {
  try {
    await ctx.table.transact([
      {
        Put: {
          Item: { ...keys.organizationName(organization.name), organization_id: organization.id },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Put: {
          Item: {
            ...keys.organization(organization.id),
            entity: "organization",
            ...organization,
            created_at: ctx.clock.now().toISOString(),
          },
        },
      },
    ]);
  } catch (error) {
    if (error instanceof TransactionRejected && error.failedAt(0))
      throw new Conflict(`an organization named ${organization.name} already exists`, [{ path: "name", message: "already taken" }]);
    throw error;
  }
}

function ignoreConflict(error: unknown): void {
  if (!(error instanceof Conflict)) throw error;
}
