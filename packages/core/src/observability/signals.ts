// The port through which domain code logs and counts: FleetContext.signals, implemented by Telemetry (telemetry.ts)
// in every entry point. Domain code never writes to the console itself.
import type { FleetMetricName } from "./fleet-metrics.js";

/** Keys that tie log lines to what they are about (besides Lambda's own request id and cold start). */
export interface Correlation {
  /** The API request (API Gateway's request id in AWS, one generated per request locally). */
  request_id?: string;
  organization_id?: string;
  operation_id?: string;
  probe_batch_id?: string;
  server_id?: string;
}

export type LogFields = Record<string, unknown>;

export interface FleetLog {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface Signals {
  readonly log: FleetLog;
  /** Records one value of a catalogued metric (fleet-metrics.ts). */
  metric(name: FleetMetricName, value: number): void;
  /** Adds correlation keys to every following log line of the current request or invocation. */
  correlate(keys: Correlation): void;
  /** Runs `work` with correlation keys of its own (a request, a task), which `correlate` inside it adds to. */
  withCorrelation<T>(keys: Correlation, work: () => T): T;
}
