// Telemetry of one Lambda container: structured logs and EMF metrics (Powertools) for the function's service,
// the log level a setting (FLEETPLANE_LOG_LEVEL, validated here), the stage as SST names it.
import { LOG_LEVELS, Telemetry, type FleetLogLevel } from "@fleetplane/core/observability/telemetry";

/** What Lambda passes as the second argument (the fields the logger reads). */
export interface LambdaContext {
  functionName: string;
  awsRequestId: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  functionVersion?: string;
}

export function lambdaTelemetry(service: string, env: Record<string, string | undefined> = process.env): Telemetry {
  const level = (env.FLEETPLANE_LOG_LEVEL ?? "INFO").toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(
      `Fleetplane configuration is invalid:\n  FLEETPLANE_LOG_LEVEL: one of ${LOG_LEVELS.join(", ")} (got "${env.FLEETPLANE_LOG_LEVEL}")`,
    );
  }
  return new Telemetry({ service, stage: env.SST_STAGE ?? "unknown", logLevel: level as FleetLogLevel, emitMetrics: true });
}

/** Starts an invocation's logging: Lambda's request id and cold start on every line, no keys left from the last one. */
export function beginInvocation(telemetry: Telemetry, context: LambdaContext | undefined): void {
  telemetry.clearCorrelation();
  if (context) telemetry.logger.addContext({ functionVersion: "$LATEST", ...context } as never);
}
