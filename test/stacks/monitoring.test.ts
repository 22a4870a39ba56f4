// Infrastructure tests of monitoring: the alarm topic, every alarm (each pointing to an existing runbook
// section), and the dashboard, asserted on the offline-synthesized templates.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Template } from "aws-cdk-lib/assertions";
import { FLEET_METRICS, FLEET_METRICS_NAMESPACE } from "../../packages/core/src/observability/fleet-metrics.js";
import { Monitoring, RUNBOOK } from "../../stacks/Monitoring.js";
import { monitoringSettings } from "../../stacks/monitoring-settings.js";
import { metricEmitters } from "../support/metric-emitters.js";
import { synthesize } from "./synth.js";

type Json = Record<string, any>;

const ALARM_EMAIL = "oncall@example.com";

let template: Template;
let alarms: Json[];
beforeAll(async () => {
  process.env.FLEETPLANE_ALARM_EMAIL = ALARM_EMAIL;
  try {
    template = (await synthesize()).template(Monitoring);
  } finally {
    delete process.env.FLEETPLANE_ALARM_EMAIL;
  }
  alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map((alarm) => alarm.Properties as Json);
}, 300_000); // the whole app is bundled and synthesized

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function runbookAnchors(): Set<string> {
  const markdown = readFileSync(new URL(`../../${RUNBOOK}`, import.meta.url), "utf8");
  return new Set(
    [...markdown.matchAll(/^#{2,4} (.+)$/gm)].map((match) =>
      match[1]!
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, "")
        .replace(/ /g, "-"),
    ),
  );
}

const named = (fragment: string) => alarms.filter((alarm) => JSON.stringify(alarm.AlarmName).includes(fragment));
const metricNamesOf = (alarm: Json): string[] =>
  alarm.MetricName ? [alarm.MetricName] : (alarm.Metrics as Json[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric.MetricName);

describe("Monitoring stack", () => {
  it("sends every alarm and its recovery to one SNS topic with the configured e-mail subscribed", () => {
    template.resourceCountIs("AWS::SNS::Topic", 1);
    template.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: ALARM_EMAIL });
    const [topicId] = Object.keys(template.findResources("AWS::SNS::Topic"));
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
    }
  });

  it("describes what is wrong in every alarm and links a runbook section that exists", () => {
    const anchors = runbookAnchors();
    for (const alarm of alarms) {
      const description = alarm.AlarmDescription as string;
      const anchor = description.match(new RegExp(`Runbook: ${RUNBOOK}#([a-z0-9-]+)$`))?.[1];
      expect(anchor, description).toBeDefined();
      expect(anchors.has(anchor!), `${RUNBOOK} has a section #${anchor}`).toBe(true);
      expect(description.length).toBeGreaterThan(40);
    }
  });

  it("alarms as soon as either dead-letter queue holds a message", () => {
    for (const queue of ["OutboxDeadLetters", "ProbeDeadLetters", "WebhookDeadLetters"]) {
      const [alarm] = named(`${queue}NotEmpty`);
      expect(alarm).toMatchObject({
        MetricName: "ApproximateNumberOfMessagesVisible",
        Namespace: "AWS/SQS",
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
      });
    }
  });

  it("alarms on the outbox stream's iterator age, probe lag over two intervals and unprobed servers", () => {
    expect(named("OutboxIteratorAge")[0]).toMatchObject({ MetricName: "IteratorAge", Statistic: "Maximum", Threshold: 300_000 });
    expect(named("ProbeCycleLag")[0]).toMatchObject({
      Namespace: FLEET_METRICS_NAMESPACE,
      MetricName: "ProbeCycleLag",
      ExtendedStatistic: "p99",
      Threshold: 60,
      EvaluationPeriods: 2,
    });
    expect(named("ServersUnprobed")[0]).toMatchObject({ Namespace: FLEET_METRICS_NAMESPACE, MetricName: "ServersUnprobed", Threshold: 1 });
  });

  it("alarms on failed or timed-out bulk-operation executions", () => {
    expect(metricNamesOf(named("OperationExecutionsFailed")[0]!).sort()).toEqual(["ExecutionsFailed", "ExecutionsTimedOut"]);
  });

  it("alarms on the API's 5xx rate and p99 latency", () => {
    const rate = named("Api5xxRate")[0]!;
    expect(metricNamesOf(rate).sort()).toEqual(["5xx", "Count"]);
    expect(rate).toMatchObject({ Threshold: 1, ComparisonOperator: "GreaterThanThreshold" });
    expect(named("ApiLatencyP99")[0]).toMatchObject({ MetricName: "Latency", ExtendedStatistic: "p99", Threshold: 2000 });
  });

  it("alarms on errors and throttles of every Lambda function", () => {
    const functions = [
      "Api",
      "OutboxPublisher",
      "ProbeDispatcher",
      "ProbeWorker",
      "OperationPrepare",
      "OperationRunOnServer",
      "OperationRecordResult",
      "OperationFinalize",
      "OperationEnded",
      "WebhookDelivery",
    ];
    for (const fn of functions) {
      expect(named(`-${fn}Errors`)[0], fn).toMatchObject({ MetricName: "Errors", Namespace: "AWS/Lambda" });
      expect(named(`-${fn}Throttles`)[0], fn).toMatchObject({ MetricName: "Throttles", Namespace: "AWS/Lambda" });
    }
  });

  it("alarms on DynamoDB throttled requests and system errors of every operation Fleetplane calls", () => {
    expect(new Set(metricNamesOf(named("TableThrottledRequests")[0]!))).toEqual(new Set(["ThrottledRequests"]));
    expect(new Set(metricNamesOf(named("TableSystemErrors")[0]!))).toEqual(new Set(["SystemErrors"]));
    expect(metricNamesOf(named("TableThrottledRequests")[0]!).length).toBeGreaterThanOrEqual(9);
  });

  it("treats missing data as healthy, so a quiet fleet does not page", () => {
    for (const alarm of alarms) expect(alarm.TreatMissingData).toBe("notBreaching");
  });

  it("builds one dashboard per stage covering fleet, probes, API, operations, events, DynamoDB and Lambda", () => {
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    template.hasResourceProperties("AWS::CloudWatch::Dashboard", { DashboardName: "fleetplane-test" });
    const body = JSON.stringify(Object.values(template.findResources("AWS::CloudWatch::Dashboard"))[0]!.Properties.DashboardBody);
    for (const title of [
      "Fleet size and health",
      "Probe lag",
      "Probe throughput",
      "API requests and errors",
      "API latency",
      "Bulk operations",
      "Event delivery",
      "DynamoDB consumed units",
      "Lambda duration",
      "Lambda concurrent executions",
    ]) {
      expect(body).toContain(title);
    }
  });
});

describe("Monitoring stack's custom metrics", () => {
  it("alarms and graphs only catalogued Fleetplane metrics, each emitted by some code path", () => {
    const fromAlarms = alarms.flatMap((alarm) => {
      if (alarm.Namespace === FLEET_METRICS_NAMESPACE) return [alarm.MetricName as string];
      return ((alarm.Metrics as Json[] | undefined) ?? [])
        .filter((m) => m.MetricStat?.Metric.Namespace === FLEET_METRICS_NAMESPACE)
        .map((m) => m.MetricStat.Metric.MetricName as string);
    });
    const body = JSON.stringify(Object.values(template.findResources("AWS::CloudWatch::Dashboard"))[0]!.Properties.DashboardBody);
    // Dashboard metrics are arrays [namespace, name, dimension, value, ...] inside the body's JSON text.
    const fromDashboard = [...body.matchAll(/\\"Fleetplane\\",\\"(\w+)\\"/g)].map((match) => match[1]!);
    expect(fromAlarms).toEqual(expect.arrayContaining(["ProbeCycleLag", "ServersUnprobed"]));
    expect(fromDashboard.length).toBeGreaterThan(5);
    const emitters = metricEmitters();
    for (const name of new Set([...fromAlarms, ...fromDashboard])) {
      expect(FLEET_METRICS, `${name} is not catalogued`).toHaveProperty(name);
      expect(emitters.get(name), `${name} is never emitted`).toBeDefined();
    }
    // Every catalogued metric is on the dashboard.
    expect(new Set(fromDashboard)).toEqual(new Set(Object.keys(FLEET_METRICS)));
  });
});

describe("monitoring settings", () => {
  it("defaults every threshold and leaves the e-mail unset", () => {
    expect(monitoringSettings({})).toEqual({
      alarmEmail: undefined,
      alarmPeriodMinutes: 5,
      iteratorAgeSeconds: 300,
      probeLagSeconds: 60,
      unprobedServers: 1,
      api5xxPercent: 1,
      apiP99LatencyMs: 2000,
      lambdaErrors: 1,
    });
  });

  it("takes overrides and reports every invalid one at once", () => {
    expect(monitoringSettings({ FLEETPLANE_ALARM_API_P99_MS: "800" }).apiP99LatencyMs).toBe(800);
    expect(() => monitoringSettings({ FLEETPLANE_ALARM_API_P99_MS: "fast", FLEETPLANE_ALARM_EMAIL: "nobody" })).toThrow(
      /FLEETPLANE_ALARM_API_P99_MS.*FLEETPLANE_ALARM_EMAIL/,
    );
  });
});
