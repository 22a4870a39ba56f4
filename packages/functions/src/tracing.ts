// X-Ray subsegments for the AWS SDK calls of a function whose tracing is on (Powertools Tracer). The tracer and the
// X-Ray SDK are loaded only then: tests, benchmarks and a function with tracing turned off never import them.
import type { Tracer } from "@aws-lambda-powertools/tracer";

/** Tracing is on in Lambda unless POWERTOOLS_TRACE_ENABLED=false, and never outside it (Powertools' own rule). */
export function tracingEnabled(env: Record<string, string | undefined>): boolean {
  return (
    (env.POWERTOOLS_TRACE_ENABLED ?? "").toLowerCase() !== "false" &&
    Boolean(env.AWS_EXECUTION_ENV) &&
    env.AWS_EXECUTION_ENV !== "AWS_Lambda_amplify-mock" &&
    !env.AWS_SAM_LOCAL
  );
}

/** The tracer when tracing is enabled; it traces AWS SDK calls only (agent calls would make one subsegment per server). */
export async function loadTracer(env: Record<string, string | undefined>): Promise<Tracer | undefined> {
  if (!tracingEnabled(env)) return undefined;
  const { Tracer } = await import("@aws-lambda-powertools/tracer");
  const tracer = new Tracer({ serviceName: "fleetplane", captureHTTPsRequests: false });
  // Calls made while the container starts (the API's bootstrap) belong to no trace yet: untraced, not an error line.
  tracer.provider.setContextMissingStrategy("IGNORE_ERROR");
  return tracer;
}

/** What captureAWSv3Client instruments: an SDK v3 client's middleware stack. */
interface SdkClient {
  middlewareStack: { add: (...args: never[]) => unknown };
}

const tracer = await loadTracer(process.env);

/** The client, with each of its calls recorded as an X-Ray subsegment when this container traces. */
export function traced<Client extends SdkClient>(client: Client, by: Tracer | undefined = tracer): Client {
  return by ? by.captureAWSv3Client(client) : client;
}
