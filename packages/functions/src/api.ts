// Lambda entry point for API Gateway (HTTP API): the Hono app, with the platform key ensured before the first request
// it serves, and every log line of a request carrying API Gateway's request id and the caller's organization.
import { handle } from "hono/aws-lambda";
import { createApiOnFirstRequest } from "@fleetplane/core/api/on-first-request";
import { ensureBootstrapKey } from "@fleetplane/core/auth";
import { onFirstUse } from "@fleetplane/core/on-first-use";
import { awsContext } from "./aws-context.js";
import { beginInvocation, lambdaTelemetry } from "./lambda-telemetry.js";
import { SignedSsmParameterReader } from "./ssm-parameters.js";
import { readSstSecret } from "./sst-secret.js";

const telemetry = lambdaTelemetry("api");
// The API starts bulk operations and queues POST /health-check/all batches; their clients load on first use.
const ctx = awsContext(telemetry, {
  workflows: (arn) => {
    const workflows = onFirstUse(async () => (await import("./on-demand/step-functions-workflows.js")).stepFunctionsWorkflows(arn));
    return { start: async (operation) => (await workflows()).start(operation) };
  },
  probeQueue: (url) => {
    const queue = onFirstUse(async () => (await import("./on-demand/sqs-probe-queue.js")).sqsProbeQueue(url));
    return { send: async (batches, options) => (await queue()).send(batches, options) };
  },
});
// Each router loads on the first request that needs it: a cold start builds one router's schemas, not all.
const app = createApiOnFirstRequest(ctx);
const honoHandler = handle(app);
const ssm = new SignedSsmParameterReader(process.env);

/**
 * The platform key is an SST secret (SSM), written to the table once per container; it is never generated in
 * AWS. A failed attempt (a throttle, a missing secret) is forgotten, so the next request tries again instead of
 * the container failing until Lambda recycles it.
 */
const bootstrap = onFirstUse(async () => ensureBootstrapKey(ctx, await readSstSecret("FLEETPLANE_ADMIN_API_KEY", process.env, ssm)));
// Started during the container's init, so the first request usually finds it done.
bootstrap().catch(() => undefined);

/** The API's generic 500 (the cause goes to the log), answered while the bootstrap has not succeeded. */
const NOT_READY = {
  statusCode: 500,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error: { code: "internal", message: "internal error" } }),
};

export const handler: typeof honoHandler = async (event, context) => {
  beginInvocation(telemetry, context);
  // API Gateway's request id, the one its access log records for the same request.
  const requestId = (event as { requestContext?: { requestId?: string } }).requestContext?.requestId;
  return telemetry.withCorrelation({ request_id: requestId }, async () => {
    try {
      await bootstrap();
    } catch (error) {
      telemetry.logger.error("bootstrap failed; the next request retries it", { error: String(error) });
      return NOT_READY as Awaited<ReturnType<typeof honoHandler>>;
    }
    try {
      return await honoHandler(event, context);
    } finally {
      // Metrics a request recorded (an on-demand health check's) go out with it.
      telemetry.flush();
    }
  });
};
