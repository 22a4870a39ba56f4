// The probe dispatcher and worker as bundled: an EventBridge Scheduler event fans the fleet out into SQS
// batches within SQS's limits, and an SQS batch of several records, one of them unreadable, probes the
// simulated agents and reports exactly the failed record.
import { startSimulator, type Simulator } from "@fleetplane/agent/simulator";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SQS_MAX_BATCH_BYTES, SQS_MAX_ENTRIES } from "./aws-services.js";
import {
  httpApiEvent,
  jsonOf,
  schedulerEvent,
  sqsEvent,
  startHandlerWorld,
  captureStdout,
  registerSimulatedServers,
  type HandlerWorld,
} from "./lambda.js";

const FLEET = "/api/v1/fleet";
const SERVERS = 12;
let world: HandlerWorld;
let simulator: Simulator;
const ids: string[] = [];

beforeAll(async () => {
  // Three servers' groups to a batch at most, so one minute makes several messages.
  [world, simulator] = await Promise.all([
    startHandlerWorld({ mode: "development", env: { FLEETPLANE_PROBE_BATCH_SIZE: "3" } }),
    startSimulator({ count: SERVERS, seed: 11 }),
  ]);
  ids.push(...(await registerSimulatedServers(world, simulator)));
});
afterAll(async () => {
  await simulator?.close();
  await world?.close();
});

describe("probe dispatcher and worker handlers", () => {
  test("a scheduler event dispatches every active server in SQS batches of at most 10 messages and 256 KiB", async () => {
    const stdout = captureStdout();
    const result = await world.invoke("probe-dispatcher", schedulerEvent(new Date())).finally(stdout.restore);

    expect(result.servers).toBe(SERVERS);
    expect(result.batches).toBeGreaterThan(1);
    expect(world.aws.sqsMessages.length).toBeGreaterThanOrEqual(result.batches);
    expect(world.aws.sqsBatches).toBeGreaterThan(0);
    for (const message of world.aws.sqsMessages) expect(Buffer.byteLength(message.MessageBody!)).toBeLessThanOrEqual(SQS_MAX_BATCH_BYTES);
    expect(world.aws.sqsMessages.length).toBeLessThanOrEqual(world.aws.sqsBatches * SQS_MAX_ENTRIES);
    const dispatched = new Set(
      world.aws.sqsMessages.flatMap((m) =>
        JSON.parse(m.MessageBody!).groups.flatMap((g: { servers: Array<{ id: string }> }) => g.servers.map((s) => s.id)),
      ),
    );
    expect([...dispatched].sort()).toEqual([...ids].sort());
    // The fleet gauges, in one embedded-metric-format line: every server active, none unhealthy yet.
    const emf = stdout.lines.map((line) => JSON.parse(line) as Record<string, any>).filter((line) => line._aws);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ ActiveServers: SERVERS, UnhealthyServers: 0 });
  });

  test("an SQS batch of several records probes each batch and names only the unreadable record as failed", async () => {
    const messages = world.aws.sqsMessages.map((m, i) => ({ id: `msg-${i}`, body: m.MessageBody! }));
    expect(messages.length).toBeGreaterThan(1);
    const poison = { id: "msg-poison", body: "{not json" };

    const stdout = captureStdout();
    const result = await world
      .invoke("probe-worker", sqsEvent([...messages.slice(0, 1), poison, ...messages.slice(1)]))
      .finally(stdout.restore);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "msg-poison" }] });
    const listed = await world.invoke("api", httpApiEvent("GET", `${FLEET}/servers`, { key: world.adminKey, query: "limit=100" }));
    const servers = jsonOf(listed).items as Array<{ id: string; health_status: string; last_health_check_at: string | null }>;
    expect(servers).toHaveLength(SERVERS);
    for (const server of servers) {
      expect(server.health_status).toBe("healthy");
      expect(server.last_health_check_at).not.toBeNull();
    }
    // Agent tokens were unsealed with KMS, in this container, to call the agents.
    expect(world.aws.kmsCalls.some((c) => c.operation === "Decrypt")).toBe(true);

    // Its log lines are JSON with the correlation fields; its metrics one embedded-metric-format line.
    const lines = stdout.lines.map((line) => JSON.parse(line) as Record<string, any>);
    expect(lines.find((line) => line.message === "unreadable probe batch")).toMatchObject({
      level: "ERROR",
      service: "probe-worker",
      stage: "test",
      probe_batch_id: "msg-poison",
      cold_start: expect.any(Boolean),
      function_name: "fleetplane-test-probe-worker",
      function_request_id: expect.any(String),
    });
    const emf = lines.filter((line) => line._aws);
    expect(emf).toHaveLength(1);
    expect(emf[0]!._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: "Fleetplane",
      Metrics: expect.arrayContaining([
        { Name: "ProbeCycleLag", Unit: "Seconds" },
        { Name: "HealthChecks", Unit: "Count" },
        { Name: "HealthChecksFailed", Unit: "Count" },
      ]),
    });
    expect(emf[0]).toMatchObject({ service: "fleetplane", stage: "test" });
    const lags = [emf[0]!.ProbeCycleLag].flat() as number[];
    expect(lags).toHaveLength(messages.length);
    for (const lag of lags) expect(lag).toBeGreaterThanOrEqual(0);
    // Every server of every batch (the minute's two health waves) was checked.
    const dispatched = messages.reduce(
      (sum, m) => sum + (JSON.parse(m.body).groups as Array<{ servers: unknown[] }>).reduce((n, g) => n + g.servers.length, 0),
      0,
    );
    expect([emf[0]!.HealthChecks].flat().reduce((a: number, b: number) => a + b, 0)).toBe(dispatched);
    expect([emf[0]!.HealthChecksFailed].flat().reduce((a: number, b: number) => a + b, 0)).toBe(0);
  });
});
