// fleetplane summary: the fleet's counts by status, health, region and environment.
import { unwrap } from "@fleetplane/client";
import type { Command } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { table } from "../io.js";

export const summary: Command = {
  path: ["summary"],
  usage: "[options]",
  summary: "Fleet summary: servers by status, health, region and environment",
  examples: ["fleetplane summary", "fleetplane summary --json | jq .by_health"],
  async run(ctx) {
    const body = await unwrap(ctx.client().api.GET("/api/v1/fleet/summary"));
    ctx.printJson(body);
    const rows: string[][] = [["total", "servers", String(body.total_servers)]];
    for (const [axis, counts] of [
      ["status", body.by_status],
      ["health", body.by_health],
      ["region", body.by_region],
      ["environment", body.by_environment],
    ] as const) {
      for (const [name, count] of Object.entries(counts ?? {})) rows.push([axis, name, String(count)]);
    }
    ctx.print(table(["BY", "VALUE", "SERVERS"], rows));
    return EXIT.ok;
  },
};
