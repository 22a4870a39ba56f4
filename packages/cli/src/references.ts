// Finds a server or group by id or by name, so every command accepts either.
import { FleetplaneApiError, unwrap, type FleetplaneClient, type Group, type Server } from "@fleetplane/client";
import { UsageError } from "./exit-codes.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findServer(client: FleetplaneClient, ref: string): Promise<Server> {
  if (UUID.test(ref)) return unwrap(client.api.GET("/api/v1/fleet/servers/{id}", { params: { path: { id: ref } } }));
  const named = async (status?: "decommissioned") => {
    const page = await unwrap(client.api.GET("/api/v1/fleet/servers", { params: { query: { q: ref, limit: 500, status } } }));
    return page.items.find((s) => s.name.toLowerCase() === ref.toLowerCase());
  };
  // Lists leave decommissioned servers out unless asked for; their names still identify them.
  const server = (await named()) ?? (await named("decommissioned"));
  if (!server)
    throw new FleetplaneApiError(404, "GET", `${client.endpoint}/api/v1/fleet/servers?q=${ref}`, {
      error: { code: "not_found", message: `no server named ${ref}` },
    });
  return server;
}

export async function findGroup(client: FleetplaneClient, ref: string): Promise<Group> {
  if (UUID.test(ref)) return unwrap(client.api.GET("/api/v1/fleet/groups/{id}", { params: { path: { id: ref } } }));
  const { items } = await unwrap(client.api.GET("/api/v1/fleet/groups"));
  const group = items.find((g) => g.name.toLowerCase() === ref.toLowerCase());
  if (!group)
    throw new FleetplaneApiError(404, "GET", `${client.endpoint}/api/v1/fleet/groups`, {
      error: { code: "not_found", message: `no group named ${ref}` },
    });
  return group;
}

/** The single positional a command needs, or a usage error naming it. */
export function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1)
    throw new UsageError(positionals.length ? `expected one ${what}, got ${positionals.length}` : `${what} is required`);
  return positionals[0]!;
}
