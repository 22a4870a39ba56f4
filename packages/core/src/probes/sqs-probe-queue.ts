// The probe queue in AWS: each batch is one SQS message (the worker's event source takes one at a time);
// the dispatcher's half-minute wave uses SQS's per-message delay.
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { ProbeBatch, ProbeQueue } from "./probe-batch.js";

/** SQS's message size limit; a batch above it means a probe group too large for one message. */
const MAX_MESSAGE_BYTES = 256 * 1024;

export class SqsProbeQueue implements ProbeQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly sqs: SQSClient = new SQSClient({}),
  ) {}

  async send(batches: ProbeBatch[], options: { delaySeconds?: number } = {}): Promise<void> {
    const bodies = batches.map((batch) => JSON.stringify(batch));
    for (const body of bodies) {
      if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES)
        throw new Error(`a probe batch of ${Buffer.byteLength(body)} bytes exceeds SQS's ${MAX_MESSAGE_BYTES}: lower probes.batchSize`);
    }
    for (let offset = 0; offset < bodies.length; offset += 10) {
      const entries = bodies
        .slice(offset, offset + 10)
        .map((body, i) => ({ Id: String(offset + i), MessageBody: body, DelaySeconds: options.delaySeconds }));
      let pending = entries;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= 5) throw new Error(`SQS refused ${pending.length} probe batches`);
        const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        pending = pending.filter((e) => failed.has(e.Id));
      }
    }
  }
}
