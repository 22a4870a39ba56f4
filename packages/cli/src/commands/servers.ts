// fleetplane servers list|get|register|update|decommission: the server registry.
import { items, unwrap, type Server, type ServerCreate } from "@fleetplane/client";
import { list, text, type Command } from "../command.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { cell, fields, paint, table, type OutputMode } from "../io.js";
import { findServer, onePositional } from "../references.js";
import { SERVER_OPTIONS, SERVER_OPTIONS_HELP, serverFieldsFromOptions } from "../server-fields.js";

const STATUSES = ["active", "inactive", "maintenance", "decommissioned"] as const;
const HEALTH = ["healthy", "degraded", "critical", "unreachable", "unknown"] as const;

export function healthCell(mode: OutputMode, health: string): string {
  const colour = health === "healthy" ? "green" : health === "degraded" ? "yellow" : health === "unknown" ? "dim" : "red";
  return paint(mode, colour, health);
}

export function serverTable(mode: OutputMode, servers: Server[]): string {
  return table(
    ["NAME", "STATUS", "HEALTH", "REGION", "ENVIRONMENT", "HOSTNAME", "TAGS", "ID"],
    servers.map((s) => [
      s.name,
      s.status,
      healthCell(mode, s.health_status),
      cell(s.region),
      cell(s.environment),
      s.hostname,
      cell(s.tags),
      s.id,
    ]),
  );
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], option: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(`${option} must be one of ${allowed.join(", ")}`);
  return value as T;
}

const serversList: Command = {
  path: ["servers", "list"],
  usage: "[--status S] [--health H] [--region R] [--environment E] [--tag T]... [--search TEXT] [--limit N] [--cursor C] [--all]",
  summary: "List servers (one page, or every page with --all)",
  options: {
    status: { type: "string" },
    health: { type: "string" },
    region: { type: "string" },
    environment: { type: "string" },
    tag: { type: "string", multiple: true },
    search: { type: "string" },
    limit: { type: "string" },
    cursor: { type: "string" },
    all: { type: "boolean" },
  },
  help: [
    `--status S         ${STATUSES.join(" | ")}`,
    `--health H         ${HEALTH.join(" | ")}`,
    "--region R  --environment E",
    "--tag T            repeatable; a server must carry every tag",
    "--search TEXT      case-insensitive match on name and hostname",
    "--limit N          servers per page (1-500, default 50)",
    "--cursor C         continue from a page's next_cursor",
    "--all              follow next_cursor through every page",
  ],
  examples: [
    "fleetplane servers list --environment production --health critical",
    "fleetplane servers list --tag web --tag eu --all --json | jq -r '.items[].name'",
  ],
  async run(ctx) {
    const { values } = ctx;
    const limit = text(values, "limit");
    if (limit !== undefined && !/^\d+$/.test(limit)) throw new UsageError("--limit must be a whole number");
    const query = {
      status: oneOf(text(values, "status"), STATUSES, "--status"),
      health_status: oneOf(text(values, "health"), HEALTH, "--health"),
      region: text(values, "region"),
      environment: text(values, "environment"),
      tag: values.tag === undefined ? undefined : list(values, "tag"),
      q: text(values, "search"),
      limit: limit === undefined ? (values.all ? 500 : undefined) : Number(limit),
    };
    const client = ctx.client();
    const fetchPage = (cursor: string | undefined) =>
      unwrap(client.api.GET("/api/v1/fleet/servers", { params: { query: { ...query, cursor } } }));
    let page: { items: Server[]; next_cursor: string | null };
    if (values.all) {
      const all: Server[] = [];
      for await (const server of items(fetchPage)) all.push(server);
      page = { items: all, next_cursor: null };
    } else {
      page = await fetchPage(text(values, "cursor"));
    }
    ctx.printJson(page);
    if (ctx.mode.quiet && !ctx.mode.json) for (const s of page.items) ctx.io.stdout.write(`${s.id}\n`);
    ctx.print(serverTable(ctx.mode, page.items));
    if (page.next_cursor) ctx.note(`more servers: --cursor ${page.next_cursor} (or --all)`);
    return EXIT.ok;
  },
};

const serversGet: Command = {
  path: ["servers", "get"],
  usage: "<ID|NAME>",
  summary: "Show one server",
  examples: ["fleetplane servers get prod-east-1", "fleetplane servers get 0190c5c3-7e2a-7000-8000-000000000000 --json"],
  async run(ctx) {
    const server = await findServer(ctx.client(), onePositional(ctx.positionals, "a server id or name"));
    ctx.printJson(server);
    ctx.print(fields(server));
    return EXIT.ok;
  },
};

const serversRegister: Command = {
  path: ["servers", "register"],
  usage: "--name NAME --hostname HOST --api-url URL --api-token TOKEN [--region R] [--environment E] [--tag T]...",
  summary: "Register a server",
  options: SERVER_OPTIONS,
  help: SERVER_OPTIONS_HELP,
  examples: [
    "fleetplane servers register --name prod-east-1 --hostname prod-east-1.example.com \\\n    --api-url https://prod-east-1.example.com:9100 --api-token-file ./agent-token --region us-east-1 --environment production --tag web",
  ],
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
    const body = serverFieldsFromOptions(ctx.values);
    const missing = (["name", "hostname", "api_url", "api_token"] as const).filter((f) => body[f] === undefined);
    if (missing.length) throw new UsageError(`missing ${missing.map((f) => `--${f.replace("_", "-")}`).join(", ")}`);
    const server = await unwrap(ctx.client().api.POST("/api/v1/fleet/servers", { body: body as ServerCreate }));
    ctx.printJson(server);
    if (ctx.mode.quiet && !ctx.mode.json) ctx.io.stdout.write(`${server.id}\n`);
    ctx.print(`registered ${server.name} (${server.id})`);
    return EXIT.ok;
  },
};

const serversUpdate: Command = {
  path: ["servers", "update"],
  usage: "<ID|NAME> [--name N] [--hostname H] [--api-url U] [--api-token T] [--region R] [--environment E] [--tag T]... [--status S] ...",
  summary: "Change a server's fields (the ones given; others are kept)",
  options: SERVER_OPTIONS,
  help: SERVER_OPTIONS_HELP,
  examples: ["fleetplane servers update prod-east-1 --status maintenance", "fleetplane servers update prod-east-1 --tag web --tag canary"],
  async run(ctx) {
    const ref = onePositional(ctx.positionals, "a server id or name");
    const body = serverFieldsFromOptions(ctx.values);
    if (!Object.keys(body).length) throw new UsageError("give at least one field to change");
    const client = ctx.client();
    const { id } = await findServer(client, ref);
    const server = await unwrap(client.api.PATCH("/api/v1/fleet/servers/{id}", { params: { path: { id } }, body }));
    ctx.printJson(server);
    ctx.print(`updated ${server.name}: ${Object.keys(body).join(", ")}`);
    return EXIT.ok;
  },
};

const serversDecommission: Command = {
  path: ["servers", "decommission"],
  usage: "<ID|NAME> [--purge]",
  summary: "Decommission a server (kept with its history), or delete it and its history with --purge",
  options: { purge: { type: "boolean" } },
  help: ["--purge            delete the server and its health and metrics history for good"],
  examples: ["fleetplane servers decommission prod-east-1", "fleetplane servers decommission old-box --purge"],
  async run(ctx) {
    const client = ctx.client();
    const { id, name } = await findServer(client, onePositional(ctx.positionals, "a server id or name"));
    const purge = Boolean(ctx.values.purge);
    const { data } = await client.api.DELETE("/api/v1/fleet/servers/{id}", {
      params: { path: { id }, query: purge ? { purge: "true" } : {} },
    });
    ctx.printJson(data ?? { id, name, purged: true });
    ctx.print(purge ? `purged ${name}` : `decommissioned ${name}`);
    return EXIT.ok;
  },
};

export const serverCommands = [serversList, serversGet, serversRegister, serversUpdate, serversDecommission];
