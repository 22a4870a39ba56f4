// The SQS probe queue adapter with its traced client, imported when the API first queues a check of every server.
import { SQSClient } from "@aws-sdk/client-sqs";
import { SqsProbeQueue } from "@fleetplane/core/probes/sqs";
import { traced } from "../tracing.js";

export function sqsProbeQueue(queueUrl: string): SqsProbeQueue {
  return new SqsProbeQueue(queueUrl, traced(new SQSClient({})));
}
