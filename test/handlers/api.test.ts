// The API handler as bundled, invoked with API Gateway HTTP API (payload 2.0) events: cold start, the platform
// key read from SST's SSM parameter, KMS sealing of agent tokens, and a bootstrap that recovers from a failure.
import { GetParametersCommand } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ADMIN_KEY_PARAMETER, captureStdout, httpApiEvent, jsonOf, startHandlerWorld, type HandlerWorld } from "./lambda.js";
import { SDK_ATTEMPTS } from "./aws-services.js";

const FLEET = "/api/v1/fleet";
let world: HandlerWorld;

beforeAll(async () => {
  world = await startHandlerWorld();
});
afterAll(() => world?.close());

describe("api handler", () => {
  test("a cold start reads the platform key from SST's parameter and serves the first request with it", async () => {
    world.aws.ssm.resetHistory();
    await world.coldStart("api");
    const response = await world.invoke("api", httpApiEvent("GET", `${FLEET}/servers`, { key: world.adminKey }));
    expect(response.statusCode).toBe(200);
    expect(jsonOf(response)).toEqual({ items: [], next_cursor: null });
    const reads = world.aws.ssm.commandCalls(GetParametersCommand as never);
    expect(reads).toHaveLength(1);
    expect(reads[0]!.args[0].input).toEqual({
      Names: [ADMIN_KEY_PARAMETER, "/sst/fleetplane/.fallback/Secret/FLEETPLANE_ADMIN_API_KEY/value"],
      WithDecryption: true,
    });
  });

  test("registering a server seals its agent token with KMS and never returns it", async () => {
    const calls = world.aws.kmsCalls.length;
    const response = await world.invoke(
      "api",
      httpApiEvent("POST", `${FLEET}/servers`, {
        key: world.adminKey,
        body: { name: "web-1", hostname: "web-1.example.com", api_url: "https://web-1.example.com:9100", api_token: "agent-secret-1" },
      }),
    );
    expect(response.statusCode).toBe(201);
    const server = jsonOf(response);
    expect(server.name).toBe("web-1");
    expect(JSON.stringify(server)).not.toContain("agent-secret-1");
    expect(world.aws.kmsCalls.length).toBeGreaterThan(calls);
    const stored = (await world.scan()).filter((item) => item.id === server.id);
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain("agent-secret-1");
  });

  test("answers the wire contract's errors through API Gateway: 401 without a key, 404 for an unknown route", async () => {
    const anonymous = await world.invoke("api", httpApiEvent("GET", `${FLEET}/servers`, { key: null }));
    expect(anonymous.statusCode).toBe(401);
    expect(jsonOf(anonymous).error.code).toBeTypeOf("string");
    const unknown = await world.invoke("api", httpApiEvent("GET", `${FLEET}/no-such-thing`, { key: world.adminKey }));
    expect(unknown.statusCode).toBe(404);
  });

  test("each request's log lines are JSON with API Gateway's request id, the caller's organization and Lambda's context", async () => {
    // The log level is a setting each container reads at its cold start.
    process.env.FLEETPLANE_LOG_LEVEL = "DEBUG";
    const stdout = captureStdout();
    const refused = httpApiEvent("GET", `${FLEET}/servers/srv_not_registered`, { key: world.adminKey });
    const answered = httpApiEvent("GET", `${FLEET}/servers`, { key: world.adminKey });
    try {
      await world.coldStart("api");
      expect((await world.invoke("api", refused)).statusCode).toBe(404);
      expect((await world.invoke("api", answered)).statusCode).toBe(200);
    } finally {
      stdout.restore();
      process.env.FLEETPLANE_LOG_LEVEL = "WARN";
    }
    const lines = stdout.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestIdOf = (event: Record<string, any>) => event.requestContext.requestId as string;
    const lambda = {
      service: "api",
      stage: "test",
      cold_start: expect.any(Boolean),
      function_name: "fleetplane-test-api",
      function_request_id: expect.any(String),
    };
    expect(lines.find((line) => line.request_id === requestIdOf(refused))).toMatchObject({
      ...lambda,
      level: "INFO",
      message: "request refused",
      method: "GET",
      path: `${FLEET}/servers/srv_not_registered`,
      status: 404,
      organization_id: "default",
    });
    expect(lines.find((line) => line.request_id === requestIdOf(answered))).toMatchObject({
      ...lambda,
      level: "DEBUG",
      message: "request answered",
      status: 200,
      organization_id: "default",
    });
    // Keys of one invocation never leak into the next one's lines.
    const [first, second] = [refused, answered].map((event) => lines.find((line) => line.request_id === requestIdOf(event))!);
    expect(first!.function_request_id).not.toBe(second!.function_request_id);
  });

  test("a bootstrap that fails at cold start (SSM throttling every retry) is retried by the next request, not cached", async () => {
    world.aws.ssm.resetHistory();
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } });
    // SSM throttles every attempt (the SDK's own retries included) until the outage ends.
    let throttling = true;
    world.aws.ssm.on(GetParametersCommand as never).callsFake((input: { Names: string[] }) => {
      if (throttling) throw throttled;
      return {
        Parameters: input.Names.filter((n) => n === ADMIN_KEY_PARAMETER).map((n) => ({ Name: n, Value: world.adminKey })),
        InvalidParameters: input.Names.filter((n) => n !== ADMIN_KEY_PARAMETER),
      };
    });
    await world.coldStart("api");
    const first = await world.invoke("api", httpApiEvent("GET", `${FLEET}/servers`, { key: world.adminKey }));
    expect(first.statusCode).toBe(500);
    expect(jsonOf(first)).toEqual({ error: { code: "internal", message: "internal error" } });
    const attemptsDuringOutage = world.aws.ssm.commandCalls(GetParametersCommand as never).length;
    expect(attemptsDuringOutage).toBeGreaterThanOrEqual(SDK_ATTEMPTS);
    throttling = false;
    const second = await world.invoke("api", httpApiEvent("GET", `${FLEET}/servers`, { key: world.adminKey }));
    expect(second.statusCode).toBe(200);
    expect(jsonOf(second).items.map((s: { name: string }) => s.name)).toEqual(["web-1"]);
    expect(world.aws.ssm.commandCalls(GetParametersCommand as never).length).toBe(attemptsDuringOutage + 1);
  });
});
