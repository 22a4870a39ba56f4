// Probes stack: the once-a-minute schedule, the dispatcher that reads the active index and queues probe
// batches (the second 30 s wave delayed by SQS), the probe workers fed by the queue, and dead-letter queues.
import { Duration } from "aws-cdk-lib";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as targets from "aws-cdk-lib/aws-scheduler-targets";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Function, use, type StackContext } from "sst/constructs";
import { LAMBDA_CONCURRENCY } from "./settings.js";
import { suppressScheduleTargetRole } from "./nag-suppressions.js";
import { PROBE_TABLE_ACTIONS, Storage } from "./Storage.js";

/** Deployment settings of probing; the domain's own settings (intervals, retention, thresholds) go in as environment. */
export const PROBES = {
  /** Health every 30 s: the dispatcher sends a second wave delayed 30 s each minute. Metrics every 60 s. */
  healthIntervalSeconds: 30,
  metricsIntervalSeconds: 60,
  /** Servers per probe batch (one SQS message, one worker run); well inside the worker's timeout. */
  batchSize: 100,
  /** Agent calls in flight per worker. */
  concurrency: 50,
  worker: { memorySize: "512 MB", timeoutSeconds: 55 },
  dispatcher: { memorySize: "512 MB", timeoutSeconds: 50 },
  /** A batch that failed this many times goes to the dead-letter queue (a newer cycle has superseded it by then). */
  maxReceiveCount: 2,
  deadLetterRetentionDays: 14,
} as const;

export function Probes({ stack }: StackContext) {
  const storage = use(Storage);

  const deadLetters = new sqs.Queue(stack, "ProbeDeadLetters", {
    retentionPeriod: Duration.days(PROBES.deadLetterRetentionDays),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const queue = new sqs.Queue(stack, "ProbeBatches", {
    // Lambda's guidance: at least six times the consumer's timeout, so a slow batch is not handed out twice.
    visibilityTimeout: Duration.seconds(PROBES.worker.timeoutSeconds * 6),
    // A batch not picked up within a few minutes is worthless: the next cycle probes the same servers.
    retentionPeriod: Duration.minutes(5),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: PROBES.maxReceiveCount },
  });

  const environment: Record<string, string> = {
    FLEETPLANE_MODE: "production",
    FLEETPLANE_TABLE_NAME: storage.table.tableName,
    FLEETPLANE_KMS_KEY_ID: storage.agentTokenKey.keyArn,
    FLEETPLANE_PROBE_QUEUE_URL: queue.queueUrl,
    FLEETPLANE_HEALTH_INTERVAL_SECONDS: String(PROBES.healthIntervalSeconds),
    FLEETPLANE_METRICS_INTERVAL_SECONDS: String(PROBES.metricsIntervalSeconds),
    FLEETPLANE_PROBE_BATCH_SIZE: String(PROBES.batchSize),
    FLEETPLANE_PROBE_CONCURRENCY: String(PROBES.concurrency),
  };

  const dispatcher = new Function(stack, "ProbeDispatcher", {
    handler: "packages/functions/src/probe-dispatcher.handler",
    description: "Probes: read active servers, queue this minute's probe batches",
    memorySize: PROBES.dispatcher.memorySize,
    timeout: `${PROBES.dispatcher.timeoutSeconds} seconds`,
    // One schedule, no retries and a timeout under the minute already keep dispatches from overlapping;
    // a reservation is opt-in (stacks/settings.ts LAMBDA_CONCURRENCY).
    reservedConcurrentExecutions: LAMBDA_CONCURRENCY.reserved.probeDispatcher,
    environment,
  });
  // The dispatcher reads the sparse `active` index; on the base table it reads and stores the organization's
  // probe layout and, when the layout changes with the fleet's size, carries probe state into the new groups.
  storage.grantTable(dispatcher, { actions: PROBE_TABLE_ACTIONS, indexes: ["active"] });
  queue.grantSendMessages(dispatcher);

  const worker = new Function(stack, "ProbeWorker", {
    handler: "packages/functions/src/probe-worker.handler",
    description: "Probes: check health and collect metrics of one batch of servers",
    memorySize: PROBES.worker.memorySize,
    timeout: `${PROBES.worker.timeoutSeconds} seconds`,
    reservedConcurrentExecutions: LAMBDA_CONCURRENCY.reserved.probeWorker,
    environment,
  });
  // Probe results: reads of servers and probe state, batched and conditional writes; never an index, never a delete.
  storage.grantTable(worker, { actions: PROBE_TABLE_ACTIONS });
  storage.grantTokenUnsealing(worker);
  // A token sealed before organization keys is re-sealed on read, which may create the organization's key.
  storage.grantTokenSealing(worker);
  worker.addEventSource(
    // The event source's maximum concurrency bounds the workers without reserving any of the account's quota.
    new SqsEventSource(queue, {
      batchSize: 1,
      reportBatchItemFailures: true,
      maxConcurrency: LAMBDA_CONCURRENCY.probeWorkerMaxConcurrency,
    }),
  );

  // EventBridge Scheduler: once a minute, no retries (a retried minute is stale), failures to a dead-letter queue.
  const schedule = new scheduler.Schedule(stack, "ProbeSchedule", {
    description: "Fleetplane probes: dispatch every minute",
    schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)),
    target: new targets.LambdaInvoke(dispatcher, {
      retryAttempts: 0,
      maxEventAge: Duration.seconds(60),
      deadLetterQueue: deadLetters,
    }),
  });

  suppressScheduleTargetRole(stack, "ProbeDispatcher", "the dispatcher");

  stack.addOutputs({ ProbeQueueUrl: queue.queueUrl, ProbeDeadLetterQueueUrl: deadLetters.queueUrl });

  return { queue, deadLetters, dispatcher, worker, schedule };
}
