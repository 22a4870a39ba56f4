// fleetplane servers import FILE: makes the registry match an inventory file, idempotently by server name.
import { readFileSync } from "node:fs";
import { allItems, FleetplaneApiError, unwrap, type FleetplaneClient, type ServerCreate } from "@fleetplane/client";
import type { Command } from "../command.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { paint, table } from "../io.js";
import { planImport, type PlannedAction } from "../import-plan.js";
import { readInventory } from "../inventory.js";
import { onePositional } from "../references.js";
import { ProgressBar } from "../progress.js";

/** Requests in flight at once: quick for hundreds of rows, gentle on the API. */
const PARALLEL_REQUESTS = 4;

interface RowResult {
  line: number;
  name: string;
  action: "create" | "update" | "unchanged" | "invalid";
  outcome: "created" | "updated" | "unchanged" | "failed" | "planned";
  changes?: string[];
  id?: string;
  error?: string;
  details?: { path: string; message: string }[];
}

export const serversImport: Command = {
  path: ["servers", "import"],
  usage: "<FILE.yaml|FILE.csv> [--dry-run]",
  summary: "Create missing servers and update changed ones from a YAML or CSV inventory (idempotent by name)",
  options: { "dry-run": { type: "boolean" } },
  help: [
    "--dry-run          show what would be created, updated or left unchanged; change nothing",
    "",
    "YAML: a list of servers (or `servers:` holding one) with the registration fields:",
    "  name, hostname, api_url, api_token, region, environment, tags, description, version, status, metadata",
    "CSV: a header row of those field names; tags separated by `;`, metadata as JSON.",
    "Rows match servers by name. api_token is used when a server is created (the API never",
    "returns tokens, so an existing one cannot be compared; change it with servers update).",
    "The last line is `created N, updated N, unchanged N, failed N`; any failed row exits 1.",
  ],
  examples: [
    "fleetplane servers import inventory.yaml --dry-run",
    "fleetplane servers import inventory.csv",
    "printf 'name,hostname,api_url,api_token,region,tags\\nweb-1,web-1.example.com,https://web-1.example.com,tok,eu-west-1,web;eu\\n' > fleet.csv",
  ],
  async run(ctx) {
    const file = onePositional(ctx.positionals, "an inventory file");
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
    }
    let rows;
    try {
      rows = readInventory(file, source);
    } catch (error) {
      throw new UsageError(`${file}: ${(error as Error).message}`);
    }
    const client = ctx.client();
    const servers = await allItems((cursor) =>
      unwrap(client.api.GET("/api/v1/fleet/servers", { params: { query: { limit: 500, cursor } } })),
    );
    const plan = planImport(rows, servers);
    const dryRun = Boolean(ctx.values["dry-run"]);

    const bar = new ProgressBar(ctx.io.stderr, ctx.mode, "import");
    const results: RowResult[] = new Array(plan.length);
    const counts = { succeeded: 0, failed: 0 };
    let next = 0;
    const worker = async () => {
      while (next < plan.length) {
        const index = next++;
        const result = await apply(client, plan[index]!, dryRun);
        results[index] = result;
        if (result.outcome === "failed") counts.failed++;
        else counts.succeeded++;
        bar.update({ total: plan.length, ...counts });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_REQUESTS, plan.length) }, worker));
    bar.done();

    const tally = (outcome: RowResult["outcome"], action?: RowResult["action"]) =>
      results.filter((r) => (dryRun ? r.action === action && r.outcome !== "failed" : r.outcome === outcome)).length;
    const summary = {
      created: tally("created", "create"),
      updated: tally("updated", "update"),
      unchanged: tally("unchanged", "unchanged"),
      failed: results.filter((r) => r.outcome === "failed").length,
    };
    ctx.printJson({ file, dry_run: dryRun, ...summary, rows: results });
    const rowsTable = results.filter((r) => r.outcome !== "unchanged" && !(dryRun && r.action === "unchanged"));
    if (rowsTable.length) {
      ctx.print(
        table(
          ["LINE", "NAME", dryRun ? "PLAN" : "RESULT", "DETAIL"],
          rowsTable.map((r) => [
            String(r.line),
            r.name,
            r.outcome === "failed" ? paint(ctx.mode, "red", "failed") : dryRun ? r.action : r.outcome,
            r.error ? [r.error, ...(r.details ?? []).map((d) => `${d.path}: ${d.message}`)].join("; ") : (r.changes ?? []).join(", "),
          ]),
        ),
      );
    }
    const line = `${dryRun ? "dry run: would have " : ""}created ${summary.created}, updated ${summary.updated}, unchanged ${summary.unchanged}, failed ${summary.failed}`;
    if (!ctx.mode.json && !ctx.mode.quiet) ctx.io.stdout.write(`${line}\n`);
    else if (ctx.mode.quiet) ctx.io.stderr.write(summary.failed ? `${line}\n` : "");
    return summary.failed ? EXIT.workFailed : EXIT.ok;
  },
};

async function apply(client: FleetplaneClient, planned: PlannedAction, dryRun: boolean): Promise<RowResult> {
  const base = { line: planned.row.line, name: planned.name, action: planned.action };
  if (planned.action === "invalid") return { ...base, outcome: "failed", error: planned.problems.join("; ") };
  if (planned.action === "unchanged") return { ...base, outcome: "unchanged", id: planned.server.id };
  const changes = planned.action === "update" ? Object.keys(planned.changes) : undefined;
  if (dryRun) return { ...base, outcome: "planned", ...(changes ? { changes } : {}) };
  try {
    if (planned.action === "create") {
      const server = await unwrap(client.api.POST("/api/v1/fleet/servers", { body: planned.body as ServerCreate }));
      return { ...base, outcome: "created", id: server.id };
    }
    await unwrap(client.api.PATCH("/api/v1/fleet/servers/{id}", { params: { path: { id: planned.server.id } }, body: planned.changes }));
    return { ...base, outcome: "updated", id: planned.server.id, changes };
  } catch (error) {
    if (!(error instanceof FleetplaneApiError)) throw error;
    return { ...base, outcome: "failed", error: error.message, details: error.details };
  }
}
