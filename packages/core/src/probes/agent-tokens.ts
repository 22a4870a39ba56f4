// Decrypted agent tokens kept for a while per worker container, so a probe cycle does not open every token
// again (the organization's key is cached by the secrets adapter; this saves the AES work and the migration check).
import type { FleetContext } from "../context.js";
import type { AgentTarget } from "../agents/agent-client.js";
import { agentTarget } from "../agents/agent-target.js";

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 50_000;
const cache = new Map<string, { token: string; until: number }>();

/** The agent target of a server; keyed by ciphertext, so a rotated token is a new entry. */
export async function cachedAgentTarget(
  ctx: FleetContext,
  organizationId: string,
  server: { id: string; api_url: string; api_token_enc: string },
): Promise<AgentTarget> {
  const now = Date.now();
  const hit = cache.get(server.api_token_enc);
  if (hit && hit.until > now) return { api_url: server.api_url, token: hit.token };
  const target = await agentTarget(ctx, { ...server, organization_id: organizationId });
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(server.api_token_enc, { token: target.token, until: now + TTL_MS });
  return target;
}
