// Tracing is Powertools' rule (on in Lambda unless turned off), and a traced SDK client records its calls through X-Ray.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterEach, expect, test } from "vitest";
import { loadTracer, traced, tracingEnabled } from "./tracing.js";

const LAMBDA = { AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x" };
const saved = process.env.AWS_EXECUTION_ENV;
afterEach(() => {
  if (saved === undefined) delete process.env.AWS_EXECUTION_ENV;
  else process.env.AWS_EXECUTION_ENV = saved;
});

/** The names of the middleware on a client's stack. */
const middlewareOf = (client: DynamoDBClient) => client.middlewareStack.identify().join(" ");

test("tracing is on in Lambda unless POWERTOOLS_TRACE_ENABLED is false, and off outside Lambda and in SAM local", () => {
  expect(tracingEnabled(LAMBDA)).toBe(true);
  expect(tracingEnabled({ ...LAMBDA, POWERTOOLS_TRACE_ENABLED: "FALSE" })).toBe(false);
  expect(tracingEnabled({ ...LAMBDA, AWS_SAM_LOCAL: "true" })).toBe(false);
  expect(tracingEnabled({})).toBe(false);
});

test("without tracing no tracer is loaded and a client is left as it was", async () => {
  expect(await loadTracer({})).toBeUndefined();
  const client = new DynamoDBClient({ region: "us-east-1" });
  const before = middlewareOf(client);
  expect(traced(client, undefined)).toBe(client);
  expect(middlewareOf(client)).toBe(before);
  client.destroy();
});

test("with tracing on, a client gets X-Ray's middleware, which records each call as a subsegment", async () => {
  // Powertools reads the execution environment from the process itself.
  process.env.AWS_EXECUTION_ENV = LAMBDA.AWS_EXECUTION_ENV;
  const tracer = await loadTracer(LAMBDA);
  expect(tracer?.isTracingEnabled()).toBe(true);
  const client = new DynamoDBClient({ region: "us-east-1" });
  expect(middlewareOf(client)).not.toMatch(/XRay/i);
  expect(traced(client, tracer)).toBe(client);
  expect(middlewareOf(client)).toMatch(/XRay/i);
  client.destroy();
});
