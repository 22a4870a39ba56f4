// Telemetry of one Lambda container: structured logs and EMF metrics (Powertools) for the function's service,
// the log level a setting (FLEETPLANE_LOG_LEVEL, validated here), the stage as SST names it.
import { logLevelFrom, Telemetry } from "@fleetplane/core/observability/telemetry";

/** What Lambda passes as the second argument (the fields the logger reads). */
export interface LambdaContext {
  functionName: string;
  awsRequestId: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  functionVersion?: string;
}

export function lambdaTelemetry(service: string, env: Record<string, string | undefined> = process.env): Telemetry {
  return new Telemetry({ service, stage: env.SST_STAGE ?? "unknown", logLevel: logLevelFrom(env), emitMetrics: true });
}

/** Starts an invocation's logging: Lambda's request id and cold start on every line, no keys left from the last one. */
export function beginInvocation(telemetry: Telemetry, context: LambdaContext | undefined): void {
  telemetry.clearCorrelation();
  if (context) telemetry.logger.addContext({ functionVersion: "$LATEST", ...context } as never);
}
