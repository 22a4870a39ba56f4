// The probe queue in AWS: each batch is one SQS message (the worker's event source takes one at a time), sent
// in SendMessageBatch requests of at most 10 entries and 256 KiB of payload; the dispatcher's half-minute wave
// uses SQS's per-message delay.
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from "@aws-sdk/client-sqs";
import { MAX_BATCH_BYTES, type ProbeBatch, type ProbeQueue } from "./probe-batch.js";

/** SQS's limits on one SendMessageBatch request. */
const MAX_ENTRIES = 10;
const MAX_ATTEMPTS = 5;

/** Consecutive messages cut into requests bounded by entry count and by the sum of their bytes. */
export function intoRequests(bodies: string[], maxBytes = MAX_BATCH_BYTES): string[][] {
  const requests: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body);
    if (size > maxBytes) throw new Error(`a probe batch of ${size} bytes exceeds SQS's ${maxBytes}`);
    if (current.length === MAX_ENTRIES || bytes + size > maxBytes) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length) requests.push(current);
  return requests;
}

export class SqsProbeQueue implements ProbeQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly sqs: SQSClient = new SQSClient({}),
  ) {}

  async send(batches: ProbeBatch[], options: { delaySeconds?: number } = {}): Promise<void> {
    for (const bodies of intoRequests(batches.map((batch) => JSON.stringify(batch)))) {
      let pending: SendMessageBatchRequestEntry[] = bodies.map((body, i) => ({
        Id: String(i),
        MessageBody: body,
        DelaySeconds: options.delaySeconds,
      }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`SQS refused ${pending.length} probe batches`);
        const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        pending = pending.filter((e) => failed.has(e.Id));
      }
    }
  }
}
