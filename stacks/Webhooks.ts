// Webhooks stack: a rule sends every fleet event to an SQS queue; the delivery function records each event's
// deliveries and attempts them, and a once-a-minute schedule retries the due ones. Failed fan-outs go to a DLQ.
import { Duration } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as eventTargets from "aws-cdk-lib/aws-events-targets";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as targets from "aws-cdk-lib/aws-scheduler-targets";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Function, use, type StackContext } from "sst/constructs";
import { Events } from "./Events.js";
import { Storage } from "./Storage.js";
import { suppressScheduleTargetRole } from "./nag-suppressions.js";
import { WEBHOOK_DELIVERY } from "./settings.js";

export function Webhooks({ stack }: StackContext) {
  const storage = use(Storage);
  const { bus } = use(Events);

  const deadLetters = new sqs.Queue(stack, "WebhookDeadLetters", {
    retentionPeriod: Duration.days(WEBHOOK_DELIVERY.deadLetterRetentionDays),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const queue = new sqs.Queue(stack, "WebhookEvents", {
    // Longer than the function may run, so a message is not handed to a second invocation while the first works.
    visibilityTimeout: Duration.seconds(WEBHOOK_DELIVERY.timeoutSeconds * 6),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: WEBHOOK_DELIVERY.maxReceiveCount },
  });

  // Every fleet event; which organization's webhooks want it is data (the table), not one rule per webhook.
  new events.Rule(stack, "WebhookEventsRule", {
    eventBus: bus,
    description: "Fleet events to webhook delivery",
    eventPattern: { source: ["fleetplane"] },
    targets: [new eventTargets.SqsQueue(queue, { deadLetterQueue: deadLetters, retryAttempts: 185 })],
  });

  const delivery = new Function(stack, "WebhookDelivery", {
    handler: "packages/functions/src/webhook-delivery.handler",
    description: "Records and attempts signed webhook deliveries of fleet events; retries due ones",
    memorySize: WEBHOOK_DELIVERY.memorySize,
    timeout: `${WEBHOOK_DELIVERY.timeoutSeconds} seconds`,
    environment: {
      FLEETPLANE_MODE: "production",
      FLEETPLANE_TABLE_NAME: storage.table.tableName,
      FLEETPLANE_KMS_KEY_ID: storage.agentTokenKey.keyArn,
    },
  });
  // Items of the table (webhooks, deliveries, the due index) and unsealing webhook secrets; nothing else.
  storage.grantTableReadWrite(delivery);
  storage.grantTokenUnsealing(delivery);
  delivery.addEventSource(new SqsEventSource(queue, { batchSize: WEBHOOK_DELIVERY.batchSize, reportBatchItemFailures: true }));

  new scheduler.Schedule(stack, "WebhookRetrySchedule", {
    description: "Fleetplane webhooks: retry due deliveries every minute",
    schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)),
    target: new targets.LambdaInvoke(delivery, { retryAttempts: 0, maxEventAge: Duration.seconds(60), deadLetterQueue: deadLetters }),
  });

  suppressScheduleTargetRole(stack, "WebhookDelivery", "the delivery function");

  stack.addOutputs({ WebhookQueueUrl: queue.queueUrl, WebhookDeadLetterQueueUrl: deadLetters.queueUrl });
  return { queue, deadLetters, delivery };
}
