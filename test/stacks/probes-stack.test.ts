// Infrastructure tests of the Probes stack: schedule → dispatcher → SQS → workers, dead letters, limits, grants.
import { beforeAll, describe, expect, it } from "vitest";
import { Match } from "aws-cdk-lib/assertions";
import { Api } from "../../stacks/Api.js";
import { Probes, PROBES } from "../../stacks/Probes.js";
import { LAMBDA_CONCURRENCY } from "../../stacks/settings.js";
import { Storage } from "../../stacks/Storage.js";
import { synthesize, type Synthesized } from "./synth.js";

type Json = Record<string, any>;
let app: Synthesized;
beforeAll(async () => {
  app = await synthesize();
}, 600_000);

const template = () => app.template(Probes);
const one = (type: string, props: Json = {}): [string, Json] => {
  const found = Object.entries(template().findResources(type, { Properties: props }));
  expect(found, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0] as [string, Json];
};
const fn = (description: RegExp) => one("AWS::Lambda::Function", { Description: Match.stringLikeRegexp(description.source) });
const statementsOf = (functionId: string) => {
  const roleId = template().toJSON().Resources[functionId].Properties.Role["Fn::GetAtt"][0];
  return Object.values(template().findResources("AWS::IAM::Policy"))
    .filter((p: Json) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p: Json) => p.Properties.PolicyDocument.Statement as Json[]);
};
const actions = (statements: Json[]) => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe("Probes stack", () => {
  it("schedules the dispatcher every minute with EventBridge Scheduler, no retries, failures to a dead-letter queue", () => {
    const [dispatcherId] = fn(/read active servers/);
    const [, schedule] = one("AWS::Scheduler::Schedule");
    expect(schedule.Properties.ScheduleExpression).toBe("rate(1 minute)");
    expect(schedule.Properties.Target.Arn).toEqual({ "Fn::GetAtt": [dispatcherId, "Arn"] });
    expect(schedule.Properties.Target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
    expect(schedule.Properties.Target.DeadLetterConfig.Arn["Fn::GetAtt"][1]).toBe("Arn");
  });

  it("feeds workers from the probe queue one batch at a time, with partial failures and bounded concurrency", () => {
    const [workerId] = fn(/one batch of servers/);
    const [queueId, queue] = one("AWS::SQS::Queue", { VisibilityTimeout: PROBES.worker.timeoutSeconds * 6 });
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(PROBES.maxReceiveCount);
    template().hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] },
      FunctionName: { Ref: workerId },
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: LAMBDA_CONCURRENCY.probeWorkerMaxConcurrency },
    });
  });

  it("reserves no concurrency for the dispatcher or the workers: the event source bounds the workers", () => {
    expect(fn(/read active servers/)[1].Properties.ReservedConcurrentExecutions).toBeUndefined();
    const [, worker] = fn(/one batch of servers/);
    expect(worker.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(worker.Properties).toMatchObject({
      Timeout: PROBES.worker.timeoutSeconds,
      Runtime: "nodejs24.x",
      Handler: "packages/functions/src/probe-worker.handler",
    });
    expect(worker.Properties.Environment.Variables).toMatchObject({
      FLEETPLANE_HEALTH_INTERVAL_SECONDS: "30",
      FLEETPLANE_METRICS_INTERVAL_SECONDS: "60",
      FLEETPLANE_MODE: "production",
    });
  });

  it("lets the worker unseal (and re-seal) agent tokens, and the dispatcher read the active index and keep probe layouts", () => {
    const [workerId] = fn(/one batch of servers/);
    const [dispatcherId] = fn(/read active servers/);
    expect(actions(statementsOf(workerId))).toEqual(
      expect.arrayContaining(["kms:Decrypt", "dynamodb:BatchWriteItem", "sqs:ReceiveMessage", "sqs:DeleteMessage"]),
    );
    expect(actions(statementsOf(workerId))).toContain("kms:GenerateDataKey");
    const dispatcher = actions(statementsOf(dispatcherId));
    expect(dispatcher).toEqual(expect.arrayContaining(["sqs:SendMessage", "dynamodb:Query"]));
    expect(dispatcher.some((a) => a.startsWith("kms:"))).toBe(false);
    // The dispatcher's index right: Query on the `active` index's own ARN (no other index); item actions on
    // the base table for the probe layout and the probe state it carries over, never a delete.
    const dynamodb = statementsOf(dispatcherId).filter((s) => actions([s]).some((a) => a.startsWith("dynamodb:")));
    const onIndexes = dynamodb.filter((s) => JSON.stringify(s.Resource).includes("/index/"));
    expect(onIndexes).toHaveLength(1);
    expect(actions(onIndexes)).toEqual(["dynamodb:Query"]);
    expect(JSON.stringify(onIndexes[0]!.Resource)).toMatch(/"\/index\/active"\]\]\}$/);
    expect(actions(dynamodb)).not.toContain("dynamodb:DeleteItem");
    // The worker writes probe results on the base table and reads no index.
    const workerTable = statementsOf(workerId).filter((s) => actions([s]).some((a) => a.startsWith("dynamodb:")));
    expect(JSON.stringify(workerTable.map((s) => s.Resource))).not.toContain("/index/");
    expect(actions(workerTable)).not.toContain("dynamodb:DeleteItem");
  });

  it("gives the API the probe queue for POST /health-check/all", () => {
    app.template(Api).hasResourceProperties("AWS::Lambda::Function", {
      Description: "Fleetplane HTTP API (Hono)",
      Environment: { Variables: Match.objectLike({ FLEETPLANE_PROBE_QUEUE_URL: Match.anyValue() }) },
    });
    expect(app.stacks().map((s) => s.stackName)).toContain("test-fleetplane-Probes");
    expect(app.template(Storage)).toBeDefined();
  });
});
