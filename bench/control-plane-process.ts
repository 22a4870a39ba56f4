// The local control plane in a process of its own, for benchmarks that measure it over HTTP the way a
// client sees `npm start`: the client's own work does not share the server's event loop.
// Started by `controlPlaneProcess()`; answers "meter" with the table's ConsumedCapacity totals, exits on "close".
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { ConfigOverrides } from "@fleetplane/core";
import { startLocalFleetplane } from "@fleetplane/local";

type Request = { type: "meter" } | { type: "close" };
type Reply = { type: "ready"; url: string } | { type: "meter"; writeUnits: number; readUnits: number };

export interface ControlPlaneProcess {
  url: string;
  writeUnits(): Promise<number>;
  close(): Promise<void>;
}

export async function controlPlaneProcess(options: {
  dataDir: string;
  adminKey: string;
  config?: ConfigOverrides;
}): Promise<ControlPlaneProcess> {
  const child: ChildProcess = fork(
    fileURLToPath(import.meta.url),
    [options.dataDir, options.adminKey, JSON.stringify(options.config ?? {})],
    {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    },
  );
  const next = async <T extends Reply["type"]>(type: T): Promise<Extract<Reply, { type: T }>> => {
    for (;;) {
      const [message] = (await once(child, "message")) as [Reply];
      if (message.type === type) return message as Extract<Reply, { type: T }>;
    }
  };
  const ready = await Promise.race([
    next("ready"),
    once(child, "exit").then(([code]) => Promise.reject(new Error(`control plane exited with ${String(code)}`))),
  ]);
  return {
    url: ready.url,
    async writeUnits() {
      const reply = next("meter");
      child.send({ type: "meter" } satisfies Request);
      return (await reply).writeUnits;
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.send({ type: "close" } satisfies Request);
      await exited;
    },
  };
}

if (process.send && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [dataDir, adminKey, config] = process.argv.slice(2) as [string, string, string];
  // No probe schedule: the API alone is measured (and benchmark agents must never be called).
  const fleet = await startLocalFleetplane({
    dataDir,
    port: 0,
    adminKey,
    probeSchedule: false,
    config: JSON.parse(config) as ConfigOverrides,
  });
  let closing: Promise<void> | undefined;
  const exit = () => {
    closing ??= fleet.close().then(() => process.exit(0));
  };
  process.on("message", (message: Request) => {
    if (message.type === "meter") {
      const { writeUnits, readUnits } = fleet.ctx.table.meter.snapshot();
      process.send!({ type: "meter", writeUnits, readUnits } satisfies Reply);
    } else if (message.type === "close") {
      exit();
    }
  });
  // A benchmark that dies leaves no control plane behind holding its data dir.
  process.on("disconnect", exit);
  process.send({ type: "ready", url: fleet.url } satisfies Reply);
}
