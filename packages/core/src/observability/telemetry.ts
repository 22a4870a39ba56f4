// Telemetry for every entry point: structured JSON logs (Powertools Logger) with correlation fields, and
// the custom metrics of fleet-metrics.ts in embedded metric format (Powertools Metrics: no API calls).
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogItem } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { FLEET_METRICS, FLEET_METRICS_NAMESPACE, fleetMetricDimensions, type FleetMetricName } from "./fleet-metrics.js";

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR", "SILENT"] as const;
export type FleetLogLevel = (typeof LOG_LEVELS)[number];

/** Keys that tie log lines to what they are about (besides Lambda's own request id and cold start). */
export interface Correlation {
  request_id?: string;
  organization_id?: string;
  operation_id?: string;
  probe_batch_id?: string;
  server_id?: string;
}

export interface TelemetryOptions {
  /** The component: `api`, `probe-worker`, `local`, … (the log's `service`). */
  service: string;
  stage: string;
  logLevel: FleetLogLevel;
  /** One readable line per entry instead of JSON (the local runtime on a terminal). */
  pretty?: boolean;
  /** Emit metrics as EMF lines on stdout (Lambda); otherwise they are only counted in-process. */
  emitMetrics?: boolean;
  /** Where log lines go; stdout by default (which Lambda sends to CloudWatch Logs). */
  write?: (line: string) => void;
}

const LEVEL_NAMES: Record<number, string> = { 8: "TRACE", 12: "DEBUG", 16: "INFO", 20: "WARN", 24: "ERROR", 28: "CRITICAL" };

/** Powertools' logger, writing each entry as a JSON line (or a compact readable line) to a sink of ours. */
class FleetLogger extends Logger {
  constructor(
    options: ConstructorParameters<typeof Logger>[0],
    private readonly write: (line: string) => void,
    private readonly pretty: boolean,
  ) {
    super(options);
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    const attributes = log.getAttributes() as Record<string, unknown>;
    if (!this.pretty) return this.write(JSON.stringify(attributes));
    const { timestamp, level, message, service, sampling_rate, cold_start, xray_trace_id, ...rest } = attributes;
    void [service, sampling_rate, cold_start, xray_trace_id];
    const fields = Object.entries(rest)
      .filter(([key, value]) => value !== undefined && !key.startsWith("function_"))
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" ");
    const time = typeof timestamp === "string" ? timestamp.slice(11, 19) : "";
    this.write(`${time} ${String(level ?? LEVEL_NAMES[logLevel]).padEnd(5)} ${String(message)}${fields ? `  ${fields}` : ""}`);
  }
}

export class Telemetry {
  readonly logger: Logger;
  private readonly metrics: Metrics | undefined;
  /** Sums of every metric recorded by this process, by name (what tests and the local runtime read). */
  readonly totals = new Map<FleetMetricName, number>();

  constructor(options: TelemetryOptions) {
    const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
    this.logger = new FleetLogger(
      { serviceName: options.service, logLevel: options.logLevel, persistentKeys: { stage: options.stage } },
      write,
      options.pretty ?? false,
    );
    // Powertools adds `service` itself: together they are the catalogue's dimensions, which the alarms name.
    const { service, ...dimensions } = fleetMetricDimensions(options.stage);
    this.metrics = options.emitMetrics
      ? new Metrics({ namespace: FLEET_METRICS_NAMESPACE, serviceName: service, defaultDimensions: dimensions })
      : undefined;
  }

  /** Adds correlation keys to every following log line (until `clearCorrelation`). */
  correlate(keys: Correlation): void {
    this.logger.appendKeys(Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined)));
  }

  clearCorrelation(): void {
    this.logger.resetKeys();
  }

  /** Records one value of a catalogued metric (its unit comes from the catalogue). */
  metric(name: FleetMetricName, value: number): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + value);
    this.metrics?.addMetric(name, FLEET_METRICS[name].unit, value);
  }

  /** Writes the metrics recorded since the last flush as one EMF line (call at the end of each invocation). */
  flush(): void {
    if (this.metrics?.hasStoredMetrics()) this.metrics.publishStoredMetrics();
  }
}
