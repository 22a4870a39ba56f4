// `npm start`: the local Fleetplane on 127.0.0.1 with flags or FLEETPLANE_* environment variables.
import { parseArgs } from "node:util";

// Node 20 is supported locally; the SDK's notice about its own future Node support is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { startLocalFleetplane } from "./runtime.js";
import { startDemo, type Demo } from "./demo.js";
import { checkChosenKey } from "@fleetplane/core";
import { adminKeyFrom } from "./admin-key.js";

const USAGE = `Usage: npm start -- [--port 8787] [--data-dir .fleetplane] [--admin-key KEY | --admin-key-file PATH] [--in-memory] [--demo N] [--no-probe-schedule]
  env: FLEETPLANE_PORT, FLEETPLANE_DATA_DIR, FLEETPLANE_ADMIN_API_KEY, FLEETPLANE_ADMIN_API_KEY_FILE`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "data-dir": { type: "string" },
      "admin-key": { type: "string" },
      "admin-key-file": { type: "string" },
      "in-memory": { type: "boolean" },
      demo: { type: "string" },
      "no-probe-schedule": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port ?? process.env.FLEETPLANE_PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not ${values.port}`);
  const adminKey = adminKeyFrom({ flag: values["admin-key"], file: values["admin-key-file"], env: process.env });
  if (adminKey !== undefined) checkChosenKey(adminKey);

  const fleetplane = await startLocalFleetplane({
    port,
    dataDir: values["data-dir"] ?? process.env.FLEETPLANE_DATA_DIR,
    inMemory: values["in-memory"],
    adminKey,
    env: process.env,
    // Probes then run only when asked (the demo's first cycle, POST /health-check/all, a server's check):
    // a fleet probed once holds still, as the console benchmark measures it.
    probeSchedule: !values["no-probe-schedule"],
    bundleConsoleAtStart: true,
  });

  let demo: Demo | undefined;
  if (values.demo !== undefined) {
    demo = await startDemo(fleetplane.ctx, Number(values.demo));
    // The first probe cycle, with metrics, now rather than at the next half minute: the fleet is alive at once.
    void fleetplane.probes.tick({ metrics: true }).catch(() => undefined);
  }

  console.log(`Fleetplane is running at ${fleetplane.url}`);
  console.log(`  console:  ${fleetplane.url}/`);
  console.log(`  API:      ${fleetplane.url}/api/v1/fleet   (docs: ${fleetplane.url}/api/v1/docs)`);
  console.log(`  data:     ${fleetplane.dataDir ?? "in memory"}`);
  if (fleetplane.adminKeyCreated && !adminKey) {
    console.log(`  admin key (shown once, store it now): ${fleetplane.adminKey}`);
  } else if (adminKey) {
    console.log("  admin key: the one given by --admin-key(-file) / FLEETPLANE_ADMIN_API_KEY(_FILE); earlier platform keys are revoked");
  } else {
    console.log("  admin key: created on first start (printed then); pass --admin-key to set one");
  }

  if (demo) {
    console.log(
      `  demo:     ${demo.simulator.servers.length} simulated servers at ${demo.simulator.url} (${demo.registered} registered, ${demo.updated} updated now); ${
        values["no-probe-schedule"]
          ? "probed once now, then only when asked (--no-probe-schedule)"
          : `health every ${fleetplane.ctx.config.probes.healthIntervalSeconds} s, metrics every ${fleetplane.ctx.config.probes.metricsIntervalSeconds} s`
      }`,
    );
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: shutting down`);
    // Fleetplane first: its last probe cycle still finds the simulated agents answering.
    fleetplane
      .close()
      .then(() => demo?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(`fleetplane: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
