// fleetplane check: a health check of one server now, or of every active server (--all, --wait follows it).
import { unwrap } from "@fleetplane/client";
import type { Command } from "../command.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { fields, table } from "../io.js";
import { ProgressBar } from "../progress.js";
import { findServer } from "../references.js";
import { healthCell } from "./servers.js";

/** How often --wait asks for progress. */
export const POLL_INTERVAL_MS = 1_000;

export const check: Command = {
  path: ["check"],
  usage: "<ID|NAME> | --all [--wait]",
  summary: "Check a server's health now, or every active server's with --all",
  options: { all: { type: "boolean" }, wait: { type: "boolean" } },
  help: [
    "--all              check every active server (a large fleet is checked in the background)",
    "--wait             with --all: follow the check to the end with a progress bar",
  ],
  examples: ["fleetplane check prod-east-1", "fleetplane check --all --wait"],
  async run(ctx) {
    const client = ctx.client();
    if (!ctx.values.all) {
      if (ctx.positionals.length !== 1) throw new UsageError("give one server id or name, or --all");
      const server = await findServer(client, ctx.positionals[0]!);
      const result = await unwrap(client.api.POST("/api/v1/fleet/servers/{id}/check", { params: { path: { id: server.id } } }));
      ctx.printJson(result);
      ctx.print(`${server.name}: ${healthCell(ctx.mode, result.health_status)}\n${fields(result)}`);
      return EXIT.ok;
    }
    if (ctx.positionals.length) throw new UsageError("--all checks every server; give no server with it");
    let run = await unwrap(client.api.POST("/api/v1/fleet/health-check/all"));
    if (ctx.values.wait && run.status === "running" && run.id) {
      const bar = new ProgressBar(ctx.io.stderr, ctx.mode, "check");
      const id = run.id;
      while (run.status === "running") {
        bar.update({
          total: run.total_servers,
          succeeded: run.completed_servers,
          failed: 0,
          running: run.total_servers - run.completed_servers,
        });
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
        run = await unwrap(client.api.GET("/api/v1/fleet/health-check/all/{id}", { params: { path: { id } } }));
      }
      bar.update({ total: run.total_servers, succeeded: run.completed_servers, failed: 0 });
      bar.done();
    }
    ctx.printJson(run);
    if (run.status === "running") {
      ctx.print(`checking ${run.total_servers} servers in the background (${run.id}); add --wait to follow`);
      return EXIT.ok;
    }
    ctx.print(`checked ${run.completed_servers} of ${run.total_servers} servers`);
    const counts = Object.entries(run.by_health ?? {});
    if (counts.length)
      ctx.print(
        table(
          ["HEALTH", "SERVERS"],
          counts.map(([health, n]) => [healthCell(ctx.mode, health), String(n)]),
        ),
      );
    return EXIT.ok;
  },
};
