// Telemetry for every entry point: structured JSON logs (Powertools Logger) with correlation fields, and
// the custom metrics of fleet-metrics.ts in embedded metric format (Powertools Metrics: no API calls).
import { AsyncLocalStorage } from "node:async_hooks";
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogItem } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { FLEET_METRICS, FLEET_METRICS_NAMESPACE, fleetMetricDimensions, type FleetMetricName } from "./fleet-metrics.js";
import type { Correlation, FleetLog, Signals } from "./signals.js";

export type { Correlation } from "./signals.js";

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR", "SILENT"] as const;
export type FleetLogLevel = (typeof LOG_LEVELS)[number];

/** The log level setting (FLEETPLANE_LOG_LEVEL, any case; INFO when unset), or a configuration error naming it. */
export function logLevelFrom(env: Record<string, string | undefined>): FleetLogLevel {
  const level = (env.FLEETPLANE_LOG_LEVEL || "INFO").toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(
      `Fleetplane configuration is invalid:\n  FLEETPLANE_LOG_LEVEL: one of ${LOG_LEVELS.join(", ")} (got "${env.FLEETPLANE_LOG_LEVEL}")`,
    );
  }
  return level as FleetLogLevel;
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

/**
 * Powertools' logger, writing each entry as a JSON line (or a compact readable line) to a sink of ours, with the
 * correlation keys of the request or invocation it runs in (concurrent local requests each keep their own).
 */
class FleetLogger extends Logger {
  constructor(
    options: ConstructorParameters<typeof Logger>[0],
    private readonly write: (line: string) => void,
    private readonly pretty: boolean,
    private readonly scope: AsyncLocalStorage<Correlation>,
  ) {
    super(options);
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    const attributes: Record<string, unknown> = { ...(log.getAttributes() as Record<string, unknown>), ...this.scope.getStore() };
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

const defined = (keys: Correlation): Correlation =>
  Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined && value !== null));

export class Telemetry implements Signals {
  readonly logger: Logger;
  /** The logger as the domain's port sees it (FleetContext.signals.log). */
  readonly log: FleetLog;
  private readonly scope = new AsyncLocalStorage<Correlation>();
  private readonly metrics: Metrics | undefined;
  /** Sums of every metric recorded by this process, by name (what tests and the local runtime read). */
  readonly totals = new Map<FleetMetricName, number>();

  constructor(options: TelemetryOptions) {
    const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
    this.logger = new FleetLogger(
      { serviceName: options.service, logLevel: options.logLevel, persistentKeys: { stage: options.stage } },
      write,
      options.pretty ?? false,
      this.scope,
    );
    this.log = this.logger as unknown as FleetLog;
    // Powertools adds `service` itself: together they are the catalogue's dimensions, which the alarms name.
    const { service, ...dimensions } = fleetMetricDimensions(options.stage);
    this.metrics = options.emitMetrics
      ? new Metrics({ namespace: FLEET_METRICS_NAMESPACE, serviceName: service, defaultDimensions: dimensions })
      : undefined;
  }

  /**
   * Adds correlation keys to every following log line: of the current `withCorrelation` scope when there is one
   * (a request), otherwise of the whole process until `clearCorrelation` (a Lambda invocation).
   */
  correlate(keys: Correlation): void {
    const store = this.scope.getStore();
    if (store) Object.assign(store, defined(keys));
    else this.logger.appendKeys(defined(keys) as Record<string, string>);
  }

  /** Runs `work` with its own correlation keys, which `correlate` calls inside it add to. */
  withCorrelation<T>(keys: Correlation, work: () => T): T {
    return this.scope.run({ ...defined(keys) }, work);
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
