// `npm run check`: the fleet consistency check, and its repair, on a local data dir or on the table in AWS.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { checkConsistency, Table, type ConsistencyReport } from "@fleetplane/core";
import { startLocalDynamo } from "./dynamo/dynamo-server.js";
import { localDynamoClient } from "./dynamo/table.js";

const USAGE = `Usage: npm run check -- [--data-dir .fleetplane] [--repair] [--json]     (a stopped local Fleetplane)
       npm run check -- --table NAME [--repair] [--json]                  (the table in AWS; credentials and region from the AWS chain)
  env: FLEETPLANE_DATA_DIR, FLEETPLANE_TABLE_NAME
  exit status: 0 when every invariant holds (or was repaired), 1 when a problem remains, 2 when the check could not run`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "data-dir": { type: "string" },
      table: { type: "string" },
      repair: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = values["data-dir"] ?? process.env.FLEETPLANE_DATA_DIR;
  const tableName = values.table ?? process.env.FLEETPLANE_TABLE_NAME;
  const repair = values.repair ?? false;

  let report: ConsistencyReport;
  if (tableName !== undefined && dataDir === undefined) {
    const client = new DynamoDBClient({});
    try {
      report = await checkConsistency(new Table({ client, tableName }), { repair });
    } finally {
      client.destroy();
    }
  } else {
    const store = join(resolve(dataDir ?? ".fleetplane"), "dynamodb");
    if (!existsSync(store)) throw new Error(`no Fleetplane data at ${store} (give --data-dir, or --table for AWS)`);
    // Opening the store rolls back any transaction a killed process left unfinished, as `npm start` does.
    const dynamo = await startLocalDynamo({ path: store });
    const client = localDynamoClient(dynamo.endpoint);
    try {
      report = await checkConsistency(new Table({ client, tableName: tableName ?? "fleetplane" }), { repair });
    } finally {
      client.destroy();
      await dynamo.close();
    }
  }

  if (values.json) console.log(JSON.stringify(report, null, 2));
  else print(report, repair);
  return report.problems.every((p) => p.fixed) ? 0 : 1;
}

function print(report: ConsistencyReport, repair: boolean): void {
  for (const p of report.problems) {
    const state = p.fixed ? "fixed" : repair ? `NOT FIXED (${p.fix_error})` : "found";
    console.log(`${state}  ${p.kind}  ${p.key.pk} ${p.key.sk}: ${p.message}`);
  }
  const fixed = report.problems.filter((p) => p.fixed).length;
  console.log(
    `checked ${report.servers} servers in ${report.organizations} organizations: ${report.problems.length} problems` +
      (repair ? `, ${fixed} fixed` : report.problems.length > 0 ? " (run again with --repair to fix them)" : ""),
  );
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`fleetplane check: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
