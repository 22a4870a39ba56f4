// Turns a stored server into something the agent client can call: its URL and its decrypted token.
import type { FleetContext } from "../context.js";
import type { ServerItem } from "../servers/server-item.js";
import type { AgentTarget } from "./agent-client.js";

export async function agentTarget(ctx: FleetContext, server: Pick<ServerItem, "api_url" | "api_token_enc">): Promise<AgentTarget> {
  return { api_url: server.api_url, token: await ctx.secrets.decrypt(server.api_token_enc) };
}
