// Monitoring stack: the alarm topic, the alarms that page an operator (each pointing to its runbook
// section), and one CloudWatch dashboard per stage.
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { use, type StackContext } from "sst/constructs";
import {
  FLEET_METRICS,
  FLEET_METRICS_NAMESPACE,
  fleetMetricDimensions,
  type FleetMetricName,
} from "../packages/core/src/observability/fleet-metrics.js";
import { Api } from "./Api.js";
import { Events } from "./Events.js";
import { monitoringSettings, type MonitoringSettings } from "./monitoring-settings.js";
import { Operations } from "./Operations.js";
import { Probes } from "./Probes.js";
import { Storage } from "./Storage.js";
import { Webhooks } from "./Webhooks.js";

/** Where every alarm's description sends the operator (docs/runbook.md, one section per alarm). */
export const RUNBOOK = "docs/runbook.md";

/** Each alarm names its runbook section by this anchor; test/stacks/monitoring.test.ts checks every one exists. */
export type RunbookSection =
  | "dead-letter-queue-not-empty"
  | "outbox-stream-iterator-age"
  | "probe-cycle-lag"
  | "servers-unprobed"
  | "bulk-operation-executions-failed"
  | "api-5xx-rate"
  | "api-p99-latency"
  | "lambda-errors"
  | "lambda-throttles"
  | "dynamodb-throttled-requests"
  | "dynamodb-system-errors";

export function Monitoring({ stack, app }: StackContext) {
  const settings: MonitoringSettings = monitoringSettings(process.env);
  const storage = use(Storage);
  const events = use(Events);
  const operations = use(Operations);
  const probes = use(Probes);
  const { api, handler: apiFunction } = use(Api);
  const webhooks = use(Webhooks);

  const topic = new sns.Topic(stack, "Alarms", {
    displayName: `Fleetplane ${app.stage} alarms`,
    enforceSSL: true,
  });
  if (settings.alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));

  const period = Duration.minutes(settings.alarmPeriodMinutes);
  const alarms: cloudwatch.Alarm[] = [];
  const alarm = (
    id: string,
    section: RunbookSection,
    what: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    options: { evaluationPeriods?: number; comparison?: cloudwatch.ComparisonOperator } = {},
  ) => {
    const created = new cloudwatch.Alarm(stack, id, {
      alarmName: `fleetplane-${app.stage}-${id}`,
      alarmDescription: `${what} Runbook: ${RUNBOOK}#${section}`,
      metric,
      threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means nothing happened (no errors, no messages): not an alarm.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    created.addAlarmAction(new actions.SnsAction(topic));
    created.addOkAction(new actions.SnsAction(topic));
    alarms.push(created);
    return created;
  };

  // Dead-letter queues: each message is work that was given up on (events, probe batches, webhook fan-out).
  const deadLetterQueues: Record<string, { queue: sqs.IQueue; what: string }> = {
    OutboxDeadLetters: {
      queue: events.deadLetters,
      what: "Fleet events failed every delivery attempt and wait in the outbox dead-letter queue.",
    },
    ProbeDeadLetters: {
      queue: probes.deadLetters,
      what: "Probe batches or schedule invocations failed and wait in the probe dead-letter queue.",
    },
    WebhookDeadLetters: {
      queue: webhooks.deadLetters,
      what: "Fleet events could not be turned into webhook deliveries after every retry and wait in the webhook dead-letter queue.",
    },
  };
  for (const [name, { queue, what }] of Object.entries(deadLetterQueues)) {
    alarm(
      `${name}NotEmpty`,
      "dead-letter-queue-not-empty",
      what,
      queue.metricApproximateNumberOfMessagesVisible({ period, statistic: "Maximum" }),
      1,
    );
  }

  alarm(
    "OutboxIteratorAge",
    "outbox-stream-iterator-age",
    `Fleet events are published late: the table stream's oldest unprocessed record is older than ${settings.iteratorAgeSeconds} s.`,
    events.publisher.metric("IteratorAge", { period, statistic: "Maximum" }),
    settings.iteratorAgeSeconds * 1000,
  );

  const fleetMetric = (name: FleetMetricName, statistic: string) =>
    new cloudwatch.Metric({
      namespace: FLEET_METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: fleetMetricDimensions(app.stage),
      statistic,
      period,
      // aws-cdk-lib's Unit enum values are CloudWatch's own spellings.
      unit: FLEET_METRICS[name].unit as cloudwatch.Unit,
    });

  alarm(
    "ProbeCycleLag",
    "probe-cycle-lag",
    `Health checks run more than two intervals (${settings.probeLagSeconds} s) behind their schedule.`,
    fleetMetric("ProbeCycleLag", "p99"),
    settings.probeLagSeconds,
    { evaluationPeriods: 2 },
  );
  alarm(
    "ServersUnprobed",
    "servers-unprobed",
    "Active servers went unprobed: a probe batch was dropped as stale or failed before checking them.",
    fleetMetric("ServersUnprobed", "Sum"),
    settings.unprobedServers,
  );

  alarm(
    "OperationExecutionsFailed",
    "bulk-operation-executions-failed",
    "Bulk operation executions failed or timed out in Step Functions (the operation was finalized from the failure).",
    new cloudwatch.MathExpression({
      expression: "failed + timedOut",
      usingMetrics: {
        failed: operations.stateMachine.metricFailed({ period, statistic: "Sum" }),
        timedOut: operations.stateMachine.metricTimedOut({ period, statistic: "Sum" }),
      },
      label: "failed or timed-out executions",
      period,
    }),
    1,
  );

  const httpApi = api.cdk.httpApi;
  alarm(
    "Api5xxRate",
    "api-5xx-rate",
    `More than ${settings.api5xxPercent} % of API requests answered 5xx.`,
    new cloudwatch.MathExpression({
      // Requests with no traffic give no datapoint, which is not breaching.
      expression: "IF(requests > 0, 100 * errors / requests, 0)",
      usingMetrics: {
        errors: httpApi.metricServerError({ period, statistic: "Sum" }),
        requests: httpApi.metricCount({ period, statistic: "Sum" }),
      },
      label: "5xx %",
      period,
    }),
    settings.api5xxPercent,
    { evaluationPeriods: 2, comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
  );
  alarm(
    "ApiLatencyP99",
    "api-p99-latency",
    `API p99 latency is above ${settings.apiP99LatencyMs} ms.`,
    httpApi.metricLatency({ period, statistic: "p99" }),
    settings.apiP99LatencyMs,
    { evaluationPeriods: 3, comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
  );

  const functions: Record<string, lambda.IFunction> = {
    Api: apiFunction,
    OutboxPublisher: events.publisher,
    ProbeDispatcher: probes.dispatcher,
    ProbeWorker: probes.worker,
    ...Object.fromEntries(
      Object.entries(operations.functions).map(([task, fn]) => [`Operation${task[0]!.toUpperCase()}${task.slice(1)}`, fn]),
    ),
    OperationEnded: operations.ended,
    WebhookDelivery: webhooks.delivery,
  };
  for (const [name, fn] of Object.entries(functions)) {
    alarm(
      `${name}Errors`,
      "lambda-errors",
      `The ${name} function failed ${settings.lambdaErrors} or more invocations in ${settings.alarmPeriodMinutes} min.`,
      fn.metricErrors({ period, statistic: "Sum" }),
      settings.lambdaErrors,
    );
    alarm(
      `${name}Throttles`,
      "lambda-throttles",
      `The ${name} function was throttled: invocations were refused for lack of concurrency.`,
      fn.metricThrottles({ period, statistic: "Sum" }),
      1,
    );
  }

  const table = storage.table.cdk.table;
  alarm(
    "TableThrottledRequests",
    "dynamodb-throttled-requests",
    "DynamoDB throttled requests on the Fleetplane table.",
    new cloudwatch.MathExpression({
      expression: "SUM(METRICS())",
      usingMetrics: Object.fromEntries(
        TABLE_OPERATIONS.map((operation) => [
          operation.toLowerCase(),
          table.metric("ThrottledRequests", {
            period,
            statistic: "Sum",
            dimensionsMap: { TableName: table.tableName, Operation: operation },
          }),
        ]),
      ),
      label: "throttled requests",
      period,
    }),
    1,
  );
  alarm(
    "TableSystemErrors",
    "dynamodb-system-errors",
    "DynamoDB answered with internal errors (HTTP 500) on the Fleetplane table.",
    new cloudwatch.MathExpression({
      expression: "SUM(METRICS())",
      usingMetrics: Object.fromEntries(
        TABLE_OPERATIONS.map((operation) => [
          operation.toLowerCase(),
          table.metric("SystemErrors", { period, statistic: "Sum", dimensionsMap: { TableName: table.tableName, Operation: operation } }),
        ]),
      ),
      label: "system errors",
      period,
    }),
    1,
  );

  const dashboard = new cloudwatch.Dashboard(stack, "Dashboard", {
    dashboardName: `fleetplane-${app.stage}`,
    defaultInterval: Duration.hours(6),
  });
  const graph = (title: string, left: cloudwatch.IMetric[], width = 8) => new cloudwatch.GraphWidget({ title, left, width, height: 6 });
  dashboard.addWidgets(
    new cloudwatch.TextWidget({
      markdown: `# Fleetplane ${app.stage}\nAlarms page the \`${topic.topicName}\` topic; what to do for each is in ${RUNBOOK}.`,
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    graph("Fleet size and health", [fleetMetric("ActiveServers", "Maximum"), fleetMetric("UnhealthyServers", "Maximum")]),
    graph("Probe lag (s)", [fleetMetric("ProbeCycleLag", "p50"), fleetMetric("ProbeCycleLag", "p99")]),
    graph("Probe throughput", [
      fleetMetric("HealthChecks", "Sum"),
      fleetMetric("HealthChecksFailed", "Sum"),
      fleetMetric("ProbeBatchesDropped", "Sum"),
      fleetMetric("ServersUnprobed", "Sum"),
    ]),
  );
  dashboard.addWidgets(
    graph("API requests and errors", [
      httpApi.metricCount({ period, statistic: "Sum" }),
      httpApi.metricClientError({ period, statistic: "Sum" }),
      httpApi.metricServerError({ period, statistic: "Sum" }),
    ]),
    graph("API latency (ms)", [httpApi.metricLatency({ period, statistic: "p50" }), httpApi.metricLatency({ period, statistic: "p99" })]),
    graph("Bulk operations", [
      operations.stateMachine.metricStarted({ period, statistic: "Sum" }),
      operations.stateMachine.metricSucceeded({ period, statistic: "Sum" }),
      operations.stateMachine.metricFailed({ period, statistic: "Sum" }),
      fleetMetric("OperationServersFinished", "Sum"),
      fleetMetric("OperationServersFailed", "Sum"),
    ]),
  );
  dashboard.addWidgets(
    graph("Event delivery", [
      fleetMetric("EventsPublished", "Sum"),
      fleetMetric("EventsFailed", "Sum"),
      events.publisher.metric("IteratorAge", { period, statistic: "Maximum" }),
      events.deadLetters.metricApproximateNumberOfMessagesVisible({ period, statistic: "Maximum" }),
    ]),
    graph("DynamoDB consumed units", [
      table.metricConsumedWriteCapacityUnits({ period, statistic: "Sum" }),
      table.metricConsumedReadCapacityUnits({ period, statistic: "Sum" }),
    ]),
    graph(
      "Lambda duration p99 (ms)",
      Object.entries(functions).map(([name, fn]) => fn.metricDuration({ period, statistic: "p99", label: name })),
    ),
  );
  dashboard.addWidgets(
    graph(
      "Lambda concurrent executions",
      Object.entries(functions).map(([name, fn]) => fn.metric("ConcurrentExecutions", { period, statistic: "Maximum", label: name })),
      12,
    ),
    new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms, width: 12, height: 6 }),
  );

  stack.addOutputs({ AlarmTopicArn: topic.topicArn, DashboardName: dashboard.dashboardName });

  return { topic, alarms, dashboard };
}

/** The table operations Fleetplane calls, each reported with its own ThrottledRequests/SystemErrors metric. */
const TABLE_OPERATIONS = [
  "GetItem",
  "BatchGetItem",
  "Query",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "TransactWriteItems",
  "TransactGetItems",
] as const;
