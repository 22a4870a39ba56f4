// fleetplane ops run|list|get|servers|cancel: bulk operations across servers.
import { items, unwrap, type Operation, type OperationCreate, type OperationTarget } from "@fleetplane/client";
import { list, text, type Command, type CommandContext } from "../command.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { cell, fields, paint, table } from "../io.js";
import { operationTypes, parseParameters } from "../operation-parameters.js";
import { exitFor, reportOperation, watchOperation } from "../operation-watch.js";
import { findGroup, findServer, onePositional } from "../references.js";
import { healthCell } from "./servers.js";

const HEALTH = ["healthy", "degraded", "critical", "unreachable", "unknown"];
const OPERATION_STATUSES = ["pending", "running", "completed", "partial", "failed", "cancelling", "cancelled"];
const TARGET_STATUSES = ["pending", "running", "succeeded", "failed", "skipped", "cancelled"];

/** N or P% (as AWS Systems Manager's MaxConcurrency / MaxErrors). */
function countOrPercent(value: string | undefined, option: string): number | string | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (/^(100|[1-9]?[0-9])%$/.test(value)) return value;
  throw new UsageError(`${option} is a number or a percentage like 10%`);
}

const opsRun: Command = {
  path: ["ops", "run"],
  usage: "<TYPE> [targets] [--param k=v]... [--max-concurrency N|P%] [--max-errors N|P%] [--dry-run] [--wait]",
  summary: "Start a bulk operation on the targeted servers (--wait follows it to the end)",
  options: {
    server: { type: "string", multiple: true },
    group: { type: "string", multiple: true },
    tag: { type: "string", multiple: true },
    region: { type: "string", multiple: true },
    environment: { type: "string", multiple: true },
    health: { type: "string", multiple: true },
    param: { type: "string", multiple: true },
    "max-concurrency": { type: "string" },
    "max-errors": { type: "string" },
    timeout: { type: "string" },
    "idempotency-key": { type: "string" },
    "dry-run": { type: "boolean" },
    wait: { type: "boolean" },
  },
  help: [
    "TYPE                   restart_services | update_config | deploy_update | run_health_check | collect_diagnostics",
    "Targets (repeatable; --server/--group name servers, the others filter them or, alone, the whole fleet):",
    "  --server ID|NAME  --group ID|NAME  --tag T (all must match)  --region R  --environment E  --health H",
    "--param key=value      repeatable; typed by the operation type's parameters (lists: a,b or repeat;",
    "                       objects: key.field=value or JSON)",
    "--max-concurrency N|P% servers at once (default 10)",
    "--max-errors N|P%      failures tolerated before no new server starts (default 0)",
    "--timeout SECONDS      per server (default 300)",
    "--idempotency-key K    a retried request with the same key starts nothing new",
    "--dry-run              list the servers it would run on; start nothing",
    "--wait                 follow it with a live bar; Ctrl-C asks whether to cancel it;",
    "                       exits 0 when it completed, 1 when it ended failed, partial or cancelled",
  ],
  examples: [
    "fleetplane ops run restart_services --tag web --environment production --param services=nginx,php-fpm --max-concurrency 10% --wait",
    "fleetplane ops run deploy_update --group canaries --param version=2.4.1 --max-errors 1 --wait",
    "fleetplane ops run update_config --region eu-west-1 --param config.log_level=debug --param reload=true --dry-run",
  ],
  async run(ctx) {
    const type = onePositional(ctx.positionals, "an operation type");
    const { values } = ctx;
    const client = ctx.client();
    const catalog = await operationTypes(client);
    if (catalog.types && !catalog.types.includes(type))
      throw new UsageError(`unknown operation type "${type}" (types: ${catalog.types.join(", ")})`);
    const parameters = parseParameters(list(values, "param"), catalog.schemaOf(type), type);
    const health = list(values, "health");
    const unknownHealth = health.filter((h) => !HEALTH.includes(h));
    if (unknownHealth.length) throw new UsageError(`--health is one of ${HEALTH.join(", ")}`);
    const timeout = text(values, "timeout");
    if (timeout !== undefined && !/^\d+$/.test(timeout)) throw new UsageError("--timeout is a number of seconds");

    const servers = await Promise.all(list(values, "server").map((ref) => findServer(client, ref)));
    const groups = await Promise.all(list(values, "group").map((ref) => findGroup(client, ref)));
    const criteria = {
      ...(values.tag ? { tags: list(values, "tag") } : {}),
      ...(values.region ? { regions: list(values, "region") } : {}),
      ...(values.environment ? { environments: list(values, "environment") } : {}),
      ...(health.length ? { health_statuses: health } : {}),
    };
    if (!servers.length && !groups.length && !Object.keys(criteria).length) {
      throw new UsageError("choose the target servers: --server, --group, --tag, --region, --environment or --health");
    }
    const body: OperationCreate = {
      operation_type: type as OperationCreate["operation_type"],
      parameters,
      ...(servers.length ? { server_ids: servers.map((s) => s.id) } : {}),
      ...(groups.length ? { group_ids: groups.map((g) => g.id) } : {}),
      ...(Object.keys(criteria).length ? { filter_criteria: criteria as OperationCreate["filter_criteria"] } : {}),
      ...(values["max-concurrency"] !== undefined
        ? { max_concurrency: countOrPercent(text(values, "max-concurrency"), "--max-concurrency") }
        : {}),
      ...(values["max-errors"] !== undefined ? { max_errors: countOrPercent(text(values, "max-errors"), "--max-errors") } : {}),
      ...(timeout !== undefined ? { timeout_seconds: Number(timeout) } : {}),
      ...(values["idempotency-key"] !== undefined ? { idempotency_key: text(values, "idempotency-key") } : {}),
      dry_run: Boolean(values["dry-run"]),
    } as OperationCreate;

    const { data, response } = await client.api.POST("/api/v1/fleet/operations", { body });
    if (response.status === 200) {
      const preview = data as unknown as {
        total_servers: number;
        servers: { id: string; name: string; region: string | null; environment: string | null; health_status: string }[];
      };
      ctx.printJson(preview);
      ctx.print(
        `dry run: ${type} would run on ${preview.total_servers} servers\n` +
          table(
            ["NAME", "HEALTH", "REGION", "ENVIRONMENT", "ID"],
            preview.servers.map((s) => [s.name, healthCell(ctx.mode, s.health_status), cell(s.region), cell(s.environment), s.id]),
          ),
      );
      return EXIT.ok;
    }
    const operation = data as Operation;
    if (!values.wait) {
      ctx.printJson(operation);
      if (ctx.mode.quiet && !ctx.mode.json) ctx.io.stdout.write(`${operation.id}\n`);
      ctx.print(
        `started ${type} on ${operation.total_servers} servers: ${operation.id}\nfollow it: fleetplane ops get ${operation.id} --wait`,
      );
      return EXIT.ok;
    }
    return follow(ctx, operation);
  },
};

async function follow(ctx: CommandContext, operation: Operation): Promise<number> {
  ctx.note(`operation ${operation.id}: ${operation.operation_type} on ${operation.total_servers} servers`);
  const result = await watchOperation(ctx, ctx.client(), operation);
  ctx.printJson({ operation: result.operation, failed_servers: result.failed });
  if (result.interrupted) return 130;
  reportOperation(ctx, result);
  return exitFor(result.operation);
}

const opsList: Command = {
  path: ["ops", "list"],
  usage: "[--status S] [--limit N] [--cursor C] [--all]",
  summary: "List operations, newest first",
  options: { status: { type: "string" }, limit: { type: "string" }, cursor: { type: "string" }, all: { type: "boolean" } },
  help: [
    `--status S         ${OPERATION_STATUSES.join(" | ")}`,
    "--limit N          per page (1-200, default 50)",
    "--cursor C  --all  as servers list",
  ],
  examples: ["fleetplane ops list --status running", "fleetplane ops list --all --json"],
  async run(ctx) {
    const status = text(ctx.values, "status");
    if (status !== undefined && !OPERATION_STATUSES.includes(status))
      throw new UsageError(`--status is one of ${OPERATION_STATUSES.join(", ")}`);
    const limit = text(ctx.values, "limit");
    if (limit !== undefined && !/^\d+$/.test(limit)) throw new UsageError("--limit must be a whole number");
    const client = ctx.client();
    const query = { status: status as Operation["status"] | undefined, limit: limit ? Number(limit) : ctx.values.all ? 200 : undefined };
    const fetchPage = (cursor: string | undefined) =>
      unwrap(client.api.GET("/api/v1/fleet/operations", { params: { query: { ...query, cursor } } }));
    let page: { items: Operation[]; next_cursor: string | null };
    if (ctx.values.all) {
      const all: Operation[] = [];
      for await (const operation of items(fetchPage)) all.push(operation);
      page = { items: all, next_cursor: null };
    } else page = await fetchPage(text(ctx.values, "cursor"));
    ctx.printJson(page);
    ctx.print(
      table(
        ["ID", "TYPE", "STATUS", "PROGRESS", "TOTAL", "SUCCEEDED", "FAILED", "SKIPPED", "CREATED"],
        page.items.map((o) => [
          o.id,
          o.operation_type,
          statusCell(ctx, o.status),
          `${Math.round(o.progress_percent)}%`,
          String(o.total_servers),
          String(o.completed_servers),
          String(o.failed_servers),
          String(o.skipped_servers),
          o.created_at,
        ]),
      ),
    );
    if (page.next_cursor) ctx.note(`more operations: --cursor ${page.next_cursor} (or --all)`);
    return EXIT.ok;
  },
};

function statusCell(ctx: CommandContext, status: string): string {
  const colour =
    status === "completed" || status === "succeeded"
      ? "green"
      : status === "partial" || status === "skipped"
        ? "yellow"
        : status === "failed"
          ? "red"
          : "dim";
  return paint(ctx.mode, colour, status);
}

const opsGet: Command = {
  path: ["ops", "get"],
  usage: "<ID> [--wait]",
  summary: "Show an operation's counters and progress (--wait follows it to the end)",
  options: { wait: { type: "boolean" } },
  help: ["--wait             follow it as ops run --wait does, with the same exit codes"],
  examples: [
    "fleetplane ops get 0190c5c3-7e2a-7000-8000-000000000000",
    "fleetplane ops get 0190c5c3-7e2a-7000-8000-000000000000 --wait --quiet && echo done",
  ],
  async run(ctx) {
    const id = onePositional(ctx.positionals, "an operation id");
    const operation = await unwrap(ctx.client().api.GET("/api/v1/fleet/operations/{id}", { params: { path: { id } } }));
    if (ctx.values.wait) return follow(ctx, operation);
    ctx.printJson(operation);
    ctx.print(fields(operation));
    return EXIT.ok;
  },
};

const opsServers: Command = {
  path: ["ops", "servers"],
  usage: "<ID> [--status S] [--limit N] [--cursor C] [--all]",
  summary: "Per-server progress of an operation",
  options: { status: { type: "string" }, limit: { type: "string" }, cursor: { type: "string" }, all: { type: "boolean" } },
  help: [
    `--status S         ${TARGET_STATUSES.join(" | ")}`,
    "--limit N          per page (1-100, default 50)",
    "--cursor C  --all  as servers list",
  ],
  examples: ["fleetplane ops servers 0190c5c3-7e2a-7000-8000-000000000000 --status failed --all"],
  async run(ctx) {
    const id = onePositional(ctx.positionals, "an operation id");
    const status = text(ctx.values, "status");
    if (status !== undefined && !TARGET_STATUSES.includes(status)) throw new UsageError(`--status is one of ${TARGET_STATUSES.join(", ")}`);
    const limit = text(ctx.values, "limit");
    if (limit !== undefined && !/^\d+$/.test(limit)) throw new UsageError("--limit must be a whole number");
    const client = ctx.client();
    const query = {
      status: status as OperationTarget["status"] | undefined,
      limit: limit ? Number(limit) : ctx.values.all ? 100 : undefined,
    };
    const fetchPage = (cursor: string | undefined) =>
      unwrap(client.api.GET("/api/v1/fleet/operations/{id}/servers", { params: { path: { id }, query: { ...query, cursor } } }));
    let page: { items: OperationTarget[]; next_cursor: string | null };
    if (ctx.values.all) {
      const all: OperationTarget[] = [];
      for await (const target of items(fetchPage)) all.push(target);
      page = { items: all, next_cursor: null };
    } else page = await fetchPage(text(ctx.values, "cursor"));
    ctx.printJson(page);
    ctx.print(
      table(
        ["SERVER", "STATUS", "ATTEMPTS", "DURATION", "ERROR"],
        page.items.map((t) => [
          t.server_name,
          statusCell(ctx, t.status),
          String(t.attempts),
          t.duration_ms === null ? "-" : `${t.duration_ms} ms`,
          cell(t.error),
        ]),
      ),
    );
    if (page.next_cursor) ctx.note(`more servers: --cursor ${page.next_cursor} (or --all)`);
    return EXIT.ok;
  },
};

const opsCancel: Command = {
  path: ["ops", "cancel"],
  usage: "<ID>",
  summary: "Cancel an operation: no new server starts, running ones finish",
  examples: ["fleetplane ops cancel 0190c5c3-7e2a-7000-8000-000000000000"],
  async run(ctx) {
    const id = onePositional(ctx.positionals, "an operation id");
    const operation = await unwrap(ctx.client().api.POST("/api/v1/fleet/operations/{id}/cancel", { params: { path: { id } } }));
    ctx.printJson(operation);
    ctx.print(`operation ${id} ${operation.status}`);
    return EXIT.ok;
  },
};

export const operationCommands = [opsRun, opsList, opsGet, opsServers, opsCancel];
