import { randomBytes } from "node:crypto";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { expect, test } from "vitest";
import { newId } from "../ids.js";
import { intoBatches, intoGroups, layoutFor } from "./dispatch.js";
import { MAX_BATCH_BYTES, type ProbeBatch, type ProbeTarget } from "./probe-batch.js";
import { LEGACY_GROUPS } from "./probe-layout.js";
import { intoRequests, SqsProbeQueue } from "./sqs-probe-queue.js";

const sqs = mockClient(SQSClient);
sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

/** A server as the active index lists it, its token still in the larger per-token KMS format (the worst case). */
function target(i: number): ProbeTarget {
  const wrapped = randomBytes(184).toString("base64");
  const sealed = ["v1", randomBytes(12).toString("base64"), randomBytes(16).toString("base64"), randomBytes(48).toString("base64")].join(
    ".",
  );
  return {
    id: newId(),
    name: `web-prod-eu-west-1-${String(i).padStart(6, "0")}`,
    api_url: `https://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8443`,
    api_token_enc: `kms1:${wrapped}:${sealed}`,
  };
}

test("a 100,000-server organization is dispatched in messages and SendMessageBatch requests within SQS's size and count limits", async () => {
  const targets = Array.from({ length: 100_000 }, (_, i) => target(i));
  const groups = layoutFor({ groups: LEGACY_GROUPS, previous: [], version: 0 }, false, "org-big", targets);
  const work = intoGroups(groups, "org-big", targets);
  const batches = intoBatches(work, 100, { at: "2026-12-02T00:00:00.000Z", metrics: true });
  sqs.resetHistory();
  await new SqsProbeQueue("https://sqs.eu-west-1.amazonaws.com/111122223333/probes").send(batches, { delaySeconds: 30 });

  const requests = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!);
  const sent = new Set<string>();
  for (const entries of requests) {
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThanOrEqual(10);
    expect(new Set(entries.map((e) => e.Id)).size).toBe(entries.length);
    const sizes = entries.map((e) => Buffer.byteLength(e.MessageBody!));
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    for (const e of entries) {
      expect(e.DelaySeconds).toBe(30);
      for (const g of (JSON.parse(e.MessageBody!) as ProbeBatch).groups) for (const s of g.servers) sent.add(s.id);
    }
  }
  // Every server exactly once, each group whole in one message.
  expect(sent.size).toBe(100_000);
  expect(requests.flat()).toHaveLength(batches.length);
  expect(new Set(batches.flatMap((b) => b.groups.map((g) => g.group))).size).toBe(work.length);
});

test("requests are cut at ten entries or at the byte limit, whichever comes first", () => {
  const small = Array.from({ length: 25 }, () => "x".repeat(100));
  expect(intoRequests(small).map((r) => r.length)).toEqual([10, 10, 5]);
  const large = Array.from({ length: 5 }, () => "x".repeat(100_000));
  expect(intoRequests(large).map((r) => r.length)).toEqual([2, 2, 1]);
  expect(() => intoRequests(["x".repeat(MAX_BATCH_BYTES + 1)])).toThrow(/exceeds/);
});

test("batches are cut by bytes as well as by servers", () => {
  const targets = Array.from({ length: 2_000 }, (_, i) => target(i));
  const work = intoGroups(64, "org", targets);
  for (const batch of intoBatches(work, 10_000, { at: "2026-12-02T00:00:00.000Z", metrics: false })) {
    expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThanOrEqual(MAX_BATCH_BYTES);
  }
});
