// The custom CloudWatch metrics Fleetplane emits (embedded metric format) and alarms on: one catalogue
// shared by the code that emits them and the Monitoring stack that graphs and alarms on them.

/** CloudWatch namespace of every Fleetplane metric. */
export const FLEET_METRICS_NAMESPACE = "Fleetplane";

/** CloudWatch units, spelled as CloudWatch (and aws-cdk-lib's `Unit` enum) spell them. */
export type FleetMetricUnit = "Seconds" | "Count";

interface FleetMetric {
  readonly unit: FleetMetricUnit;
  readonly description: string;
}

const metric = (unit: FleetMetricUnit, description: string): FleetMetric => ({ unit, description });

export const FLEET_METRICS = {
  ProbeCycleLag: metric("Seconds", "How late a server's health check ran against its schedule."),
  HealthChecks: metric("Count", "Health checks completed (scheduled and on demand)."),
  HealthChecksFailed: metric("Count", "Health checks that got no valid answer from the agent."),
  ProbeBatchesDropped: metric("Count", "Probe batches dropped because a newer cycle had superseded them."),
  ServersUnprobed: metric("Count", "Active servers a cycle did not check (dropped or failed batches)."),
  ActiveServers: metric("Count", "Active servers in the probe cycle."),
  UnhealthyServers: metric("Count", "Servers of the probed organizations whose health is degraded, critical or unreachable."),
  EventsPublished: metric("Count", "Fleet events delivered to the EventBridge bus."),
  EventsFailed: metric("Count", "Fleet events EventBridge refused (retried by the stream)."),
  OperationServersFinished: metric("Count", "Servers a bulk operation ran on to a result (succeeded or failed)."),
  OperationServersFailed: metric("Count", "Servers on which a bulk operation failed."),
} as const satisfies Record<string, FleetMetric>;

export type FleetMetricName = keyof typeof FLEET_METRICS;

/** The dimensions every Fleetplane metric carries: the service (as Powertools adds it) and the stage. */
export function fleetMetricDimensions(stage: string): Record<string, string> {
  return { service: "fleetplane", stage };
}
