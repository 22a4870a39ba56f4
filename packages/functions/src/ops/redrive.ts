// Operator command (not a Lambda): `npm run redrive -- outbox …` republishes the fleet events of every
// message in the outbox dead-letter queue, from the outbox items still in the table (docs/runbook.md).
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { systemClock, type Clock } from "@fleetplane/core/clock";
import { EventBridgePublisher } from "@fleetplane/core/events/eventbridge";
import { redriveOutbox, streamBatchInfo, type RedriveResult } from "@fleetplane/core/events/outbox-redrive";
import type { EventPublisher } from "@fleetplane/core/events/publisher";
import { Table } from "@fleetplane/core/store";

const USAGE = `Usage: npm run redrive -- outbox --queue-url URL --table NAME --bus NAME [--region REGION] [--dry-run]

Republishes the fleet events of each message in the outbox dead-letter queue from the outbox items
still in the table (7 days), once per event id, and deletes the messages it redrove.`;

export interface QueueRedrive {
  sqs: SQSClient;
  queueUrl: string;
  table: Table;
  clock: Clock;
  publisher: EventPublisher;
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface QueueRedriveTotals extends Omit<RedriveResult, "expired"> {
  messages: number;
  /** Messages left in the queue: past the outbox retention, unreadable, or a dry run. */
  kept: number;
}

/** Drains the dead-letter queue: every message is redriven, then deleted (kept if it could not be). */
export async function redriveOutboxQueue(options: QueueRedrive): Promise<QueueRedriveTotals> {
  const log = options.log ?? ((line: string) => console.log(line));
  const totals: QueueRedriveTotals = { messages: 0, found: 0, republished: 0, alreadyRepublished: 0, kept: 0 };
  const seen = new Set<string>();
  for (;;) {
    const received = await options.sqs.send(
      // A short visibility timeout: a message kept (dry run, expired) shows again only after this run ends.
      new ReceiveMessageCommand({ QueueUrl: options.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60 }),
    );
    const messages = (received.Messages ?? []).filter((message) => !seen.has(message.MessageId ?? ""));
    if (messages.length === 0) return totals;
    for (const message of messages) {
      seen.add(message.MessageId ?? "");
      totals.messages++;
      let batch;
      try {
        batch = streamBatchInfo(message.Body ?? "");
      } catch (error) {
        log(`message ${message.MessageId}: kept, ${(error as Error).message}`);
        totals.kept++;
        continue;
      }
      const result = await redriveOutbox(options, options.publisher, batch, { dryRun: options.dryRun });
      totals.found += result.found;
      totals.republished += result.republished;
      totals.alreadyRepublished += result.alreadyRepublished;
      const range = `${batch.approximateArrivalOfFirstRecord} .. ${batch.approximateArrivalOfLastRecord}`;
      if (result.expired) {
        log(`range ${range}: kept, older than the outbox retention (its events are gone)`);
        totals.kept++;
      } else if (options.dryRun) {
        log(`range ${range}: ${result.found} events, would republish ${result.found - result.alreadyRepublished}`);
        totals.kept++;
      } else {
        await options.sqs.send(new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }));
        log(`range ${range}: ${result.found} events, ${result.republished} republished, ${result.alreadyRepublished} already republished`);
      }
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "queue-url": { type: "string" },
      table: { type: "string" },
      bus: { type: "string" },
      region: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const missing = (["queue-url", "table", "bus"] as const).filter((name) => !values[name]);
  if (positionals[0] !== "outbox" || missing.length > 0) {
    console.error(`${missing.length > 0 ? `missing --${missing.join(", --")}\n` : ""}${USAGE}`);
    return 2;
  }
  const region = values.region;
  // The publisher builds its own EventBridge client, which takes the region from the environment.
  if (region) process.env.AWS_REGION = region;
  const totals = await redriveOutboxQueue({
    sqs: new SQSClient({ region }),
    queueUrl: values["queue-url"]!,
    table: new Table({ client: new DynamoDBClient({ region }), tableName: values.table! }),
    clock: systemClock,
    publisher: new EventBridgePublisher(values.bus!),
    dryRun: values["dry-run"],
  });
  console.log(
    `${totals.messages} messages: ${totals.republished} events republished, ${totals.alreadyRepublished} already republished, ${totals.kept} messages kept`,
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(3);
    },
  );
}
