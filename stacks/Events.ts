// Events stack: the fleet EventBridge bus and the outbox publisher that delivers outbox items from the table's stream.
import { Duration } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as eventTargets from "aws-cdk-lib/aws-events-targets";
import * as eventschemas from "aws-cdk-lib/aws-eventschemas";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { NagSuppressions } from "cdk-nag";
import { Function, use, type StackContext } from "sst/constructs";
import { OUTBOX_PREFIX } from "../packages/core/src/store/keys.js";
import { eventSchemaDocuments, schemaFileName } from "../packages/core/src/events/schema-documents.js";
import { DETAIL_TYPES } from "../packages/core/src/events/fleet-event.js";
import { EVENT_ARCHIVE_RETENTION_DAYS, eventSharingFromEnv, OUTBOX_DELIVERY } from "./settings.js";
import { Storage } from "./Storage.js";

/** EventBridge `Source` of every fleet event (the wire contract in DESIGN.md). */
const EVENT_SOURCE = "fleetplane";

export function Events({ stack, app }: StackContext) {
  const { table } = use(Storage);

  // One bus per stage, so a dev stage's subscribers never see production's events.
  const bus = new events.EventBus(stack, "Bus", { eventBusName: `fleet-${app.stage}` });
  bus.archive("Archive", {
    description: "Every fleet event, for replay to subscribers added later",
    eventPattern: { source: [EVENT_SOURCE] },
    retention: Duration.days(EVENT_ARCHIVE_RETENTION_DAYS),
  });

  // The schema of every detail-type, generated from the code (as docs/events/), so consumers can
  // browse them and download code bindings. Draft 4 is the JSON Schema version the registry takes.
  const registry = new eventschemas.CfnRegistry(stack, "SchemaRegistry", {
    registryName: `fleetplane-${app.stage}`,
    description: "Fleetplane fleet events (source fleetplane), one schema per detail-type",
  });
  const documents = eventSchemaDocuments("draft-4");
  for (const detailType of DETAIL_TYPES) {
    const schema = new eventschemas.CfnSchema(stack, `Schema${detailType.replace(/\s+/g, "")}`, {
      registryName: registry.attrRegistryName,
      schemaName: `fleetplane@${detailType.replace(/\s+/g, "")}`,
      type: "JSONSchemaDraft4",
      description: `Fleetplane "${detailType}" event`,
      content: JSON.stringify(documents[schemaFileName(detailType)]),
    });
    schema.addDependency(registry);
  }

  // Subscribers in other accounts (docs/events.md, "Subscribing from another account").
  const sharing = eventSharingFromEnv();
  const ruleActions = [
    "events:PutRule",
    "events:PutTargets",
    "events:DeleteRule",
    "events:RemoveTargets",
    "events:DisableRule",
    "events:EnableRule",
    "events:TagResource",
    "events:UntagResource",
    "events:DescribeRule",
    "events:ListTargetsByRule",
    "events:ListTagsForResource",
  ];
  // A rule a subscriber creates on this bus is owned by its account: the condition keeps it to rules of its own.
  const creatorIsCaller = { StringEqualsIfExists: { "events:creatorAccount": "${aws:PrincipalAccount}" } };
  if (sharing.accounts.length > 0) {
    bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "SubscriberAccountsManageOwnRules",
        principals: sharing.accounts.map((id) => new iam.AccountPrincipal(id)),
        actions: ruleActions,
        resources: [`arn:aws:events:${stack.region}:${stack.account}:rule/${bus.eventBusName}/*`],
        conditions: creatorIsCaller,
      }),
    );
  }
  if (sharing.organizationId) {
    bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "SubscriberOrganizationManagesOwnRules",
        principals: [new iam.AnyPrincipal()],
        actions: ruleActions,
        resources: [`arn:aws:events:${stack.region}:${stack.account}:rule/${bus.eventBusName}/*`],
        conditions: { ...creatorIsCaller, StringEquals: { "aws:PrincipalOrgID": sharing.organizationId } },
      }),
    );
  }
  // Forwarding: every fleet event to each named bus in another account (whose own policy must accept PutEvents).
  sharing.forwardBusArns.forEach((arn, i) => {
    new events.Rule(stack, `Forward${i}`, {
      eventBus: bus,
      description: `Forwards fleet events to ${arn}`,
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [new eventTargets.EventBus(events.EventBus.fromEventBusArn(stack, `ForwardBus${i}`, arn))],
    });
  });

  // Stream records that failed every retry land here with their shard position, for redrive.
  const deadLetters = new sqs.Queue(stack, "OutboxDeadLetters", {
    retentionPeriod: Duration.days(OUTBOX_DELIVERY.deadLetterRetentionDays),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  NagSuppressions.addResourceSuppressions(deadLetters, [
    { id: "AwsSolutions-SQS3", reason: "It is the dead-letter queue of the outbox stream mapping; nothing redrives from it automatically" },
  ]);

  const publisher = new Function(stack, "OutboxPublisher", {
    handler: "packages/functions/src/outbox-publisher.handler",
    description: "Publishes outbox items from the table stream to the fleet bus",
    memorySize: OUTBOX_DELIVERY.memorySize,
    timeout: OUTBOX_DELIVERY.timeout,
    environment: {
      FLEETPLANE_EVENT_BUS_NAME: bus.eventBusName,
      FLEETPLANE_MODE: "production",
    },
  });
  // PutEvents on this bus only; the publisher never touches the table (outbox items expire by TTL).
  publisher.addToRolePolicy(new iam.PolicyStatement({ actions: ["events:PutEvents"], resources: [bus.eventBusArn] }));

  publisher.addEventSource(
    new DynamoEventSource(table.cdk.table, {
      // From the oldest record still in the stream, so events written before the mapping existed are not lost.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: OUTBOX_DELIVERY.batchSize,
      maxBatchingWindow: Duration.seconds(OUTBOX_DELIVERY.maxBatchingWindowSeconds),
      bisectBatchOnError: true,
      retryAttempts: OUTBOX_DELIVERY.retryAttempts,
      // The handler may return { batchItemFailures } so only the failed tail of a batch is retried.
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(deadLetters),
      // Lambda drops every other change before invoking: the publisher runs only for new outbox items.
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual("INSERT"),
          dynamodb: { NewImage: { pk: { S: lambda.FilterRule.beginsWith(OUTBOX_PREFIX) } } },
        }),
      ],
    }),
  );

  stack.addOutputs({
    EventBusName: bus.eventBusName,
    OutboxDeadLetterQueueUrl: deadLetters.queueUrl,
  });

  return { bus, publisher, deadLetters };
}
