// fleetplane groups list|create|add|remove: named sets of servers, static members and tag/region/environment criteria.
import { unwrap } from "@fleetplane/client";
import { list, text, type Command } from "../command.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { cell, table } from "../io.js";
import { findGroup, findServer, onePositional } from "../references.js";

const groupsList: Command = {
  path: ["groups", "list"],
  usage: "",
  summary: "List groups with their criteria and static member counts",
  examples: ["fleetplane groups list", "fleetplane groups list --json"],
  async run(ctx) {
    const body = await unwrap(ctx.client().api.GET("/api/v1/fleet/groups"));
    ctx.printJson(body);
    ctx.print(
      table(
        ["NAME", "TAGS", "REGIONS", "ENVIRONMENTS", "STATIC", "ID"],
        body.items.map((g) => [g.name, cell(g.tags), cell(g.regions), cell(g.environments), String(g.server_ids.length), g.id]),
      ),
    );
    return EXIT.ok;
  },
};

const groupsCreate: Command = {
  path: ["groups", "create"],
  usage: "<NAME> [--description D] [--color #rrggbb] [--tag T]... [--region R]... [--environment E]... [--server ID|NAME]...",
  summary: "Create a group",
  options: {
    description: { type: "string" },
    color: { type: "string" },
    tag: { type: "string", multiple: true },
    region: { type: "string", multiple: true },
    environment: { type: "string", multiple: true },
    server: { type: "string", multiple: true },
  },
  help: [
    "--tag T            repeatable; members carry every tag (dynamic criterion)",
    "--region R         repeatable; members are in any of these regions",
    "--environment E    repeatable; members are in any of these environments",
    "--server ID|NAME   repeatable; static members",
    "--description D  --color #rrggbb",
  ],
  examples: [
    "fleetplane groups create web-eu --tag web --region eu-west-1",
    "fleetplane groups create canaries --server web-1 --server web-2",
  ],
  async run(ctx) {
    const name = onePositional(ctx.positionals, "a group name");
    const client = ctx.client();
    const servers = await Promise.all(list(ctx.values, "server").map((ref) => findServer(client, ref)));
    const body = {
      name,
      description: text(ctx.values, "description"),
      color: text(ctx.values, "color"),
      tags: ctx.values.tag ? list(ctx.values, "tag") : undefined,
      regions: ctx.values.region ? list(ctx.values, "region") : undefined,
      environments: ctx.values.environment ? list(ctx.values, "environment") : undefined,
      server_ids: servers.length ? servers.map((s) => s.id) : undefined,
    };
    const group = await unwrap(client.api.POST("/api/v1/fleet/groups", { body }));
    ctx.printJson(group);
    if (ctx.mode.quiet && !ctx.mode.json) ctx.io.stdout.write(`${group.id}\n`);
    ctx.print(`created group ${group.name} (${group.id})`);
    return EXIT.ok;
  },
};

const groupsAdd: Command = {
  path: ["groups", "add"],
  usage: "<GROUP> <SERVER>...",
  summary: "Add servers to a group as static members (ids or names)",
  examples: ["fleetplane groups add canaries web-3 web-4"],
  async run(ctx) {
    const [groupRef, ...serverRefs] = ctx.positionals;
    if (!groupRef || !serverRefs.length) throw new UsageError("give a group and at least one server");
    const client = ctx.client();
    const group = await findGroup(client, groupRef);
    const servers = await Promise.all(serverRefs.map((ref) => findServer(client, ref)));
    const body = await unwrap(
      client.api.POST("/api/v1/fleet/groups/{id}/servers", {
        params: { path: { id: group.id } },
        body: { server_ids: servers.map((s) => s.id) },
      }),
    );
    ctx.printJson(body);
    ctx.print(`added ${servers.map((s) => s.name).join(", ")} to ${group.name}`);
    return EXIT.ok;
  },
};

const groupsRemove: Command = {
  path: ["groups", "remove"],
  usage: "<GROUP> <SERVER>...",
  summary: "Remove static members from a group",
  examples: ["fleetplane groups remove canaries web-3"],
  async run(ctx) {
    const [groupRef, ...serverRefs] = ctx.positionals;
    if (!groupRef || !serverRefs.length) throw new UsageError("give a group and at least one server");
    const client = ctx.client();
    const group = await findGroup(client, groupRef);
    const removed: string[] = [];
    for (const ref of serverRefs) {
      const server = await findServer(client, ref);
      await client.api.DELETE("/api/v1/fleet/groups/{id}/servers/{server_id}", {
        params: { path: { id: group.id, server_id: server.id } },
      });
      removed.push(server.name);
    }
    ctx.printJson({ group_id: group.id, removed });
    ctx.print(`removed ${removed.join(", ")} from ${group.name}`);
    return EXIT.ok;
  },
};

export const groupCommands = [groupsList, groupsCreate, groupsAdd, groupsRemove];
