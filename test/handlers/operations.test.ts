// The bulk-operation handlers as bundled: POST /operations starts a Step Functions execution (recorded), the
// real state machine definition runs with every Task state invoking its bundled Lambda handler with the payload
// Step Functions would send, and the ended-execution rule's event finalizes an execution stopped by hand.
import "../../packages/local/src/operations/promise-with-resolvers.js";
import { startSimulator, type Simulator } from "@fleetplane/agent/simulator";
import { StateMachine, type StateMachineDefinition as LocalDefinition } from "aws-local-stepfunctions";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { operationStateMachine, TASK_FUNCTIONS, TASK_STATES, withTaskResources, type TaskName } from "@fleetplane/core";
import {
  httpApiEvent,
  jsonOf,
  STATE_MACHINE_ARN,
  startHandlerWorld,
  captureStdout,
  registerSimulatedServers,
  type HandlerWorld,
} from "./lambda.js";

const FLEET = "/api/v1/fleet";
const SERVERS = 4;
/** The Lambda behind each task, as the Operations stack wires them. */
const HANDLER_OF: Record<TaskName, string> = {
  prepare: "operation-prepare",
  runOnServer: "operation-run-on-server",
  recordResult: "operation-record-result",
  finalize: "operation-finalize",
};
const FUNCTION_ARNS = Object.fromEntries(
  Object.entries(HANDLER_OF).map(([task, name]) => [task, `arn:aws:lambda:us-east-1:000000000000:function:fleetplane-test-${name}`]),
) as Record<TaskName, string>;

let world: HandlerWorld;
let simulator: Simulator;
const ids: string[] = [];

beforeAll(async () => {
  [world, simulator] = await Promise.all([startHandlerWorld({ mode: "development" }), startSimulator({ count: SERVERS, seed: 5 })]);
  ids.push(...(await registerSimulatedServers(world, simulator)));
});
afterAll(async () => {
  await simulator?.close();
  await world?.close();
});

async function startOperation(): Promise<{ id: string; input: unknown }> {
  const response = await world.invoke(
    "api",
    httpApiEvent("POST", `${FLEET}/operations`, {
      key: world.adminKey,
      body: { operation_type: "restart_services", server_ids: ids, parameters: { services: ["app.service"] }, max_concurrency: 2 },
    }),
  );
  expect(response.statusCode).toBe(202);
  const id = jsonOf(response).id as string;
  const execution = world.aws.executions.find((e) => e.name === id);
  expect(execution).toBeDefined();
  return { id, input: execution!.input };
}

async function operation(id: string): Promise<any> {
  return jsonOf(await world.invoke("api", httpApiEvent("GET", `${FLEET}/operations/${id}`, { key: world.adminKey })));
}

describe("operation handlers", () => {
  test("the deployed state machine runs to completion with each Task state invoking its bundled handler", async () => {
    const { id, input } = await startOperation();
    expect(input).toEqual({ organization_id: "default", operation_id: id });

    const invoked: Array<{ handler: string; payload: unknown }> = [];
    const definition = withTaskResources(operationStateMachine(), FUNCTION_ARNS);
    expect(Object.keys(TASK_FUNCTIONS).sort()).toEqual(Object.keys(HANDLER_OF).sort());
    const machine = new StateMachine(definition as unknown as LocalDefinition, { validationOptions: { checkArn: true, checkPaths: true } });
    const handlers = Object.fromEntries(
      Object.entries(TASK_STATES).map(([state, task]) => [
        state,
        (payload: unknown) => {
          invoked.push({ handler: HANDLER_OF[task], payload });
          return world.invoke(HANDLER_OF[task], payload);
        },
      ]),
    );
    // Each task's container reads the log level at its cold start, which the first invocation below makes.
    process.env.FLEETPLANE_LOG_LEVEL = "DEBUG";
    const execution = machine.run(input as never, { overrides: { taskResourceLocalHandlers: handlers as never } });
    const stdout = captureStdout();
    await execution.result.finally(() => {
      stdout.restore();
      process.env.FLEETPLANE_LOG_LEVEL = "WARN";
    });

    const done = await operation(id);
    expect(done).toMatchObject({ status: "completed", total_servers: SERVERS, completed_servers: SERVERS, failed_servers: 0 });
    const count = (handler: string) => invoked.filter((i) => i.handler === handler).length;
    expect(count("operation-prepare")).toBe(1);
    expect(count("operation-run-on-server")).toBe(SERVERS);
    // "Run on server" records what it ran; "Record result" runs only for what the run could not record.
    expect(count("operation-record-result")).toBe(0);
    expect(count("operation-finalize")).toBe(1);
    expect(invoked[0]!.payload).toEqual(input);
    for (const server of simulator.servers) expect(simulator.received(server.index).operations.length).toBe(1);

    // The run-on-server invocations counted every server they finished in their EMF lines, none of them failed.
    const lines = stdout.lines.map((line) => JSON.parse(line) as Record<string, any>);
    const sum = (name: string) =>
      lines
        .filter((line) => line._aws)
        .flatMap((line) => [line[name] ?? []].flat() as number[])
        .reduce((a, b) => a + b, 0);
    expect(sum("OperationServersFinished")).toBe(SERVERS);
    expect(sum("OperationServersFailed")).toBe(0);
    // Every task's log line is JSON naming the operation, its organization and the Lambda invocation.
    const taskLines = lines.filter((line) => line.message === "operation task done");
    expect(taskLines.map((line) => line.service).sort()).toEqual(
      ["operation-finalize", "operation-prepare", ...Array(SERVERS).fill("operation-run-on-server")].sort(),
    );
    for (const line of taskLines) {
      expect(line).toMatchObject({
        level: "DEBUG",
        stage: "test",
        organization_id: "default",
        operation_id: id,
        cold_start: expect.any(Boolean),
        function_name: `fleetplane-test-${line.service}`,
        function_request_id: expect.any(String),
      });
    }
  });

  test("an execution stopped by hand is finalized by the ended-execution rule's event", async () => {
    const { id, input } = await startOperation();
    const event = {
      version: "0",
      id: "9f0a6d67-4f38-4b6e-9f43-aaaaaaaaaaaa",
      "detail-type": "Step Functions Execution Status Change",
      source: "aws.states",
      account: "000000000000",
      time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: "us-east-1",
      resources: [`${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${id}`],
      detail: {
        executionArn: `${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${id}`,
        stateMachineArn: STATE_MACHINE_ARN,
        name: id,
        status: "ABORTED",
        startDate: Date.now() - 1_000,
        stopDate: Date.now(),
        input: JSON.stringify(input),
        inputDetails: { included: true },
        output: null,
        outputDetails: null,
        error: null,
        cause: null,
      },
    };

    await world.invoke("operation-ended", event);

    const ended = await operation(id);
    expect(["failed", "cancelled", "partial"]).toContain(ended.status);
    expect(ended.completed_servers).toBe(0);
  });
});
