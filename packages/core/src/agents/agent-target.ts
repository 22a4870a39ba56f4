// Turns a stored server into something the agent client can call: its URL and its decrypted token. A token
// stored in an older, unbound format is re-encrypted once on the way (migration on read).
import type { FleetContext } from "../context.js";
import { keys } from "../store/keys.js";
import type { AgentTarget } from "./agent-client.js";

export interface StoredAgent {
  organization_id: string;
  id: string;
  api_url: string;
  api_token_enc: string;
}

export async function agentTarget(ctx: FleetContext, server: StoredAgent): Promise<AgentTarget> {
  const binding = { organization_id: server.organization_id, server_id: server.id };
  const token = await ctx.secrets.decrypt(server.api_token_enc, binding);
  // Best effort: the token is in hand, so a failed migration (a throttle, a caller without the right to
  // create the organization's key) must not fail the call; it is tried again on a later read.
  if (ctx.secrets.outdated(server.api_token_enc)) await reencryptToken(ctx, server, token).catch(() => undefined);
  return { api_url: server.api_url, token };
}

/** Rewrites the ciphertext only if it is still the one read: a rotation meanwhile wins, and a lost race is harmless. */
async function reencryptToken(ctx: FleetContext, server: StoredAgent, token: string): Promise<void> {
  const current = await ctx.secrets.encrypt(token, { organization_id: server.organization_id, server_id: server.id });
  await ctx.table.update({
    Key: keys.server(server.organization_id, server.id),
    UpdateExpression: "SET api_token_enc = :current",
    ConditionExpression: "api_token_enc = :read",
    ExpressionAttributeValues: { ":current": current, ":read": server.api_token_enc },
  });
}
