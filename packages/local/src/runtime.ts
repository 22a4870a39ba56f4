// The local control plane: dynalite, the table, the API, the outbox relay, the TTL sweeper and the console,
// in one process on 127.0.0.1. `npm start` runs it; tests and benchmarks start it in-process.
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import {
  CapacityMeter,
  configFromEnv,
  HttpAgentClient,
  OutboundHttp,
  OUTBOX_PREFIX,
  createApi,
  ensureBootstrapKey,
  KeyFileSecrets,
  OutboxRelay,
  deliverDue,
  enqueueDeliveries,
  wireEvent,
  summaryRefreshesSettled,
  systemClock,
  Table,
  epochSeconds,
  type Clock,
  type ConfigOverrides,
  type FleetContext,
  type FleetRouter,
  type HostResolver,
} from "@fleetplane/core";
import { logLevelFrom, Telemetry, type FleetLogLevel } from "@fleetplane/core/observability/telemetry";
import { prepareDataDir } from "./data-dir.js";
import { LocalProbeQueue, ProbeScheduler } from "./probe-scheduler.js";
import { LocalEventBus } from "./bus/local-bus.js";
import { eventStream } from "./bus/event-stream.js";
import { startLocalDynamo, type LocalDynamo } from "./dynamo/dynamo-server.js";
import { ensureTable, localDynamoClient } from "./dynamo/table.js";
import { consoleApp } from "./console.js";
import { Timer } from "./timer.js";
import { rollingSweep } from "./sweeper.js";
import { LocalOperationWorkflows } from "./operations/local-workflows.js";

export interface LocalOptions {
  /** API port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  dataDir?: string;
  /** Keep data in memory (nothing survives a restart); for tests and throwaway runs. */
  inMemory?: boolean;
  /** The platform (bootstrap) key; generated on first start when absent. */
  adminKey?: string;
  mode?: "production" | "development";
  tableName?: string;
  outboxIntervalMs?: number;
  sweepIntervalMs?: number;
  /** Replaces the bulk-operation workflow's Retry intervals (ms); tests shorten the waits between agent retries. */
  operationRetryIntervalMs?: number;
  /** FLEETPLANE_* settings as in AWS (`npm start` passes the process environment); `config` overrides them. */
  env?: Record<string, string | undefined>;
  /** Settings beyond the defaults (probe intervals, retention, alert thresholds...). */
  config?: ConfigOverrides;
  /** The domain's clock; tests pass a controllable one (TTL reads follow it too). */
  clock?: Clock;
  /** Run the probe schedule on its timer (default true); tests turn it off and call `probes.tick()`. */
  probeSchedule?: boolean;
  /** How often pending webhook deliveries are looked for (retries after backoff, deliveries a restart interrupted). */
  webhookPollMs?: number;
  /** Probe batches run at once, as parallel Lambda workers would (default 16: a batch waits for its slowest agent). */
  probeWorkers?: number;
  /** Log level; default FLEETPLANE_LOG_LEVEL from `env` (INFO when unset), and WARN for an in-process start without `env` (tests, benchmarks). */
  logLevel?: FleetLogLevel;
  /** Where log lines go (default stdout), and whether they are readable text rather than JSON (default: stdout is a terminal). */
  log?: { write?: (line: string) => void; pretty?: boolean };
  /** How long close() lets requests being answered finish before cutting their connections (default 10 s). */
  requestGraceMs?: number;
  /** Build the console's bundle at start rather than on its first request (`npm start` does). */
  bundleConsoleAtStart?: boolean;
  /** How agent and webhook host names are resolved in production mode (default: the system's); tests answer any address. */
  resolver?: HostResolver;
}

export interface LocalFleetplane {
  url: string;
  /** The platform key when it was given or created by this start; undefined on a later start without --admin-key. */
  adminKey: string | undefined;
  adminKeyCreated: boolean;
  ctx: FleetContext;
  /** The runtime's logs (JSON lines, as every Lambda function writes) and in-process metric totals. */
  telemetry: Telemetry;
  bus: LocalEventBus;
  dataDir: string | undefined;
  /** Delivers every pending outbox event now (tests call this instead of waiting for the timer). */
  flushEvents(): Promise<number>;
  /** The local Step Functions runner of bulk operations. */
  workflows: LocalOperationWorkflows;
  /** The in-process probe schedule: `tick()` runs one health cycle now and resolves when it is done. */
  probes: ProbeScheduler;
  /** Stops taking requests, lets those being answered finish, then stops the schedule, operations and store. */
  close(): Promise<void>;
}

export async function startLocalFleetplane(options: LocalOptions = {}, routers: FleetRouter[] = []): Promise<LocalFleetplane> {
  const telemetry = new Telemetry({
    service: "local",
    stage: "local",
    logLevel: options.logLevel ?? (options.env ? logLevelFrom(options.env) : "WARN"),
    pretty: options.log?.pretty ?? Boolean(process.stdout.isTTY),
    write: options.log?.write,
  });
  const dataDir = options.inMemory ? undefined : resolve(options.dataDir ?? ".fleetplane");
  if (dataDir) prepareDataDir(dataDir);

  const dynamo: LocalDynamo = await startLocalDynamo({ path: dataDir ? join(dataDir, "dynamodb") : undefined });
  const config = configFromEnv(options.env ?? {}, {
    ...options.config,
    tableName: options.tableName ?? options.env?.FLEETPLANE_TABLE_NAME ?? "fleetplane",
    mode: options.mode ?? (options.env?.FLEETPLANE_MODE as "production" | "development" | undefined) ?? "development",
  });
  const clock = options.clock ?? systemClock;
  const client = localDynamoClient(dynamo.endpoint);
  await ensureTable(client, config.tableName);
  let wakeRelay = (_written: Array<{ pk: string; sk: string }>) => {};
  const outbound = new OutboundHttp({ refuseNonRoutable: config.mode === "production", resolver: options.resolver });
  const ctx: FleetContext = {
    table: new Table({
      client,
      tableName: config.tableName,
      meter: new CapacityMeter(),
      nowSeconds: () => epochSeconds(clock.now()),
      onItemsWritten: (written) => {
        const outboxes = written.filter((key) => key.pk.startsWith(OUTBOX_PREFIX));
        if (outboxes.length > 0) wakeRelay(outboxes);
      },
    }),
    clock,
    secrets: dataDir
      ? KeyFileSecrets.open(join(dataDir, "secrets.key"))
      : KeyFileSecrets.fromKey((await import("node:crypto")).randomBytes(32)),
    config,
    agents: new HttpAgentClient({ outbound }),
    outbound,
    signals: telemetry,
  };
  // The stand-ins for DynamoDB Streams (the outbox relay's reads and marks) and TTL (the sweeper's) use a
  // table of their own, so ctx.table.meter counts what Fleetplane itself reads and writes: what AWS bills
  // (stream reads and TTL deletes are free there; outbox items expire rather than being deleted).
  const infrastructure = { ...ctx, table: new Table({ client, tableName: config.tableName, nowSeconds: () => epochSeconds(clock.now()) }) };
  const workflows = new LocalOperationWorkflows(ctx, { retryIntervalMs: options.operationRetryIntervalMs });
  ctx.workflows = workflows;
  const probeQueue = new LocalProbeQueue(ctx, options.probeWorkers ?? 16);
  ctx.probeQueue = probeQueue;
  const probes = new ProbeScheduler(ctx, probeQueue);
  const bootstrap = await ensureBootstrapKey(ctx, options.adminKey);
  const bus = new LocalEventBus(dataDir ? join(dataDir, "events.jsonl") : undefined, telemetry.log);

  // Webhooks: each event's deliveries are written before the relay moves on (durable), then attempted in the
  // background; a timer retries what is due, including deliveries a previous run left pending.
  const attempts = new Set<Promise<void>>();
  bus.subscribe(
    {},
    async (event) => {
      const { attempts: attempt } = await enqueueDeliveries(ctx, wireEvent(event));
      attempts.add(attempt);
      void attempt.finally(() => attempts.delete(attempt));
    },
    { required: true },
  );

  const api = createApi(ctx, [eventStream(bus), ...routers]);
  const app = consoleApp(api, { bundleNow: options.bundleConsoleAtStart });
  // Requests being answered, so close() can let them finish before it stops what they call.
  const answering = new Set<Promise<Response>>();
  const answer: typeof app.fetch = (...args) => {
    const response = Promise.resolve(app.fetch(...args));
    answering.add(response);
    void response.then(
      () => answering.delete(response),
      () => answering.delete(response),
    );
    return response;
  };
  let server: ServerType;
  try {
    // Each request's log lines carry its own request id (and, once authenticated, its organization).
    server = await listen(
      (...args: Parameters<typeof answer>) => telemetry.withCorrelation({ request_id: randomUUID() }, () => answer(...args)),
      options.port ?? 8787,
    );
  } catch (error) {
    outbound.close();
    client.destroy();
    await dynamo.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;

  // One relay at a time: concurrent relays would read the same items and deliver them twice.
  const relay = new OutboxRelay(infrastructure, bus);
  let relaying: Promise<number> = Promise.resolve(0);
  const flushEvents = () => {
    relaying = relaying
      .catch(() => 0)
      .then(async () => {
        let total = 0;
        for (let n = await relay.run(); n > 0; n = await relay.run()) total += n;
        return total;
      });
    return relaying;
  };
  const relayTimer = new Timer("outbox relay", options.outboxIntervalMs ?? 10_000, flushEvents, telemetry.log);
  // A committed outbox write wakes the relay at once, as a DynamoDB stream would; the timer is the backstop.
  wakeRelay = (written) => {
    for (const key of written) relay.noteWritten(key);
    relayTimer.runSoon();
  };
  const timers = [
    relayTimer,
    new Timer("ttl sweeper", options.sweepIntervalMs ?? 60_000, rollingSweep(infrastructure.table), telemetry.log),
    new Timer("webhook delivery", options.webhookPollMs ?? 5_000, () => deliverDue(ctx), telemetry.log),
  ];
  timers.forEach((t) => t.start());
  if (options.probeSchedule !== false) probes.start();
  // Operations a previous run left unfinished go on where they stopped (docs/operations.md, "Restarts").
  const resumed = await workflows.resumeInterrupted();
  if (resumed.length > 0)
    telemetry.logger.info("resumed unfinished bulk operations", { operation_ids: resumed.map((o) => o.operation_id) });

  return {
    url: `http://127.0.0.1:${port}`,
    adminKey: bootstrap?.key,
    adminKeyCreated: bootstrap?.created ?? false,
    ctx,
    telemetry,
    bus,
    dataDir,
    flushEvents,
    workflows,
    probes,
    async close() {
      // No new connection; a request already being answered (an operation being started, a write) finishes
      // against a runtime that still runs, then open streams and idle keep-alive connections are cut.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const http = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
      http.closeIdleConnections?.();
      await settleWithin([...answering], options.requestGraceMs ?? 10_000);
      http.closeAllConnections?.();
      await closed;
      await probes.stop();
      await workflows.close();
      await Promise.all(timers.map((t) => t.stop()));
      await flushEvents().catch(() => undefined);
      await Promise.all([...attempts]);
      // A summary's background refresh may still be reading: let it finish before the store goes.
      await summaryRefreshesSettled(ctx);
      outbound.close();
      client.destroy();
      await dynamo.close();
    },
  };
}

/** Resolves when every promise has settled, or after `ms`, whichever comes first. */
async function settleWithin(promises: Array<Promise<unknown>>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.allSettled(promises), deadline]);
  clearTimeout(timer);
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: "127.0.0.1" }, () => resolve(server));
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(new Error(`port ${port} on 127.0.0.1 is already in use: stop the other process or start with --port <free port>`));
      } else reject(error);
    });
  });
}
