// The AWS services with no local emulator, recorded with aws-sdk-client-mock and holding handlers to what AWS
// enforces: SQS and EventBridge batch limits, KMS ciphertexts bound to their key and encryption context, SSM
// parameters that exist or are reported invalid, Step Functions executions named once.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry, type PutEventsResultEntry } from "@aws-sdk/client-eventbridge";
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, InvalidCiphertextException, KMSClient } from "@aws-sdk/client-kms";
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import {
  BatchRequestTooLong,
  SendMessageBatchCommand,
  SQSClient,
  TooManyEntriesInBatchRequest,
  type SendMessageBatchRequestEntry,
} from "@aws-sdk/client-sqs";
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";
import { putEventsEntrySize } from "../../packages/core/src/events/eventbridge-publisher.js";

/** SQS: 10 entries per SendMessageBatch, 256 KiB per message and per batch (bodies and attributes together). */
export const SQS_MAX_ENTRIES = 10;
export const SQS_MAX_BATCH_BYTES = 256 * 1024;
/** EventBridge: 10 entries and 256 KB per PutEvents, sized as EventBridge counts. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/** The SDK's standard retry mode makes three attempts at a call before a transient error reaches the caller. */
export const SDK_ATTEMPTS = 3;

const KMS_KEY_ID = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555";

export interface AwsServices {
  kmsKeyId: string;
  /** Every SendMessageBatch entry accepted, in order. */
  sqsMessages: SendMessageBatchRequestEntry[];
  sqsBatches: number;
  /** Every PutEvents entry EventBridge took, in order, and the size of each call. */
  events: PutEventsRequestEntry[];
  putEventsCalls: Array<{ entries: number; bytes: number }>;
  /** Decides per entry whether EventBridge refuses it (an ErrorCode); default: none refused. */
  refuseEvent: (entry: PutEventsRequestEntry) => boolean;
  /** This many next PutEvents calls fail as a whole (an outage the SDK's retries did not ride out). */
  failingPutEventsCalls: number;
  /** KMS calls by operation, with the encryption context each carried. */
  kmsCalls: Array<{ operation: string; context: Record<string, string> | undefined }>;
  executions: Array<{ name: string; input: unknown }>;
  /** SSM parameters by name (SecureString values). */
  parameters: Map<string, string>;
  ssm: Stub;
  eventBridge: Stub;
  restore(): void;
}

type Stub = AwsStub<any, any, any>;
/** The SDK packages here come in several versions whose smithy types differ; the stubs only need the class. */
const stub = (client: unknown): Stub => mockClient(client as never) as Stub;

export function mockAwsServices(): AwsServices {
  const services: AwsServices = {
    kmsKeyId: KMS_KEY_ID,
    sqsMessages: [],
    sqsBatches: 0,
    events: [],
    putEventsCalls: [],
    refuseEvent: () => false,
    failingPutEventsCalls: 0,
    kmsCalls: [],
    executions: [],
    parameters: new Map(),
    ssm: stub(SSMClient),
    eventBridge: stub(EventBridgeClient),
    restore: () => undefined,
  };

  const sqs = stub(SQSClient);
  sqs.on(SendMessageBatchCommand as never).callsFake((input: SendMessageBatchCommand["input"]) => {
    const entries = input.Entries ?? [];
    if (entries.length > SQS_MAX_ENTRIES) throw new TooManyEntriesInBatchRequest({ message: `${entries.length} entries`, $metadata: {} });
    const bytes = entries.reduce((sum, e) => sum + Buffer.byteLength(e.MessageBody ?? "") + attributeBytes(e), 0);
    if (bytes > SQS_MAX_BATCH_BYTES) throw new BatchRequestTooLong({ message: `${bytes} bytes`, $metadata: {} });
    if (new Set(entries.map((e) => e.Id)).size !== entries.length) throw new Error("BatchEntryIdsNotDistinct");
    services.sqsBatches++;
    services.sqsMessages.push(...entries);
    return {
      Successful: entries.map((e, i) => ({
        Id: e.Id,
        MessageId: `m-${services.sqsMessages.length + i}`,
        MD5OfMessageBody: createHash("md5").update(e.MessageBody ?? "").digest("hex"),
      })),
      Failed: [],
    };
  });

  services.eventBridge.on(PutEventsCommand as never).callsFake((input: PutEventsCommand["input"]) => {
    const entries = input.Entries ?? [];
    const bytes = entries.reduce((sum, e) => sum + putEventsEntrySize(e), 0);
    if (entries.length > PUT_EVENTS_MAX_ENTRIES || bytes > PUT_EVENTS_MAX_BYTES)
      throw Object.assign(new Error(`PutEvents of ${entries.length} entries, ${bytes} bytes`), { name: "ValidationException" });
    if (services.failingPutEventsCalls > 0) {
      services.failingPutEventsCalls--;
      throw Object.assign(new Error("Service unavailable"), { name: "InternalException", $metadata: { httpStatusCode: 500 } });
    }
    services.putEventsCalls.push({ entries: entries.length, bytes });
    const results: PutEventsResultEntry[] = entries.map((entry) => {
      if (services.refuseEvent(entry)) return { ErrorCode: "InternalFailure", ErrorMessage: "refused" };
      services.events.push(entry);
      return { EventId: randomBytes(8).toString("hex") };
    });
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  });

  // KMS: ciphertext blobs are the key material sealed under a master key with the key id and context as AAD,
  // so a Decrypt with another context fails as in AWS.
  const master = randomBytes(32);
  const seal = (plaintext: Uint8Array, keyId: string, context?: Record<string, string>) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", master, iv).setAAD(aad(keyId, context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const id = Buffer.from(keyId);
    return Buffer.concat([Buffer.from([id.length]), id, iv, cipher.getAuthTag(), body]);
  };
  const kms = stub(KMSClient);
  kms.on(GenerateDataKeyCommand as never).callsFake((input: GenerateDataKeyCommand["input"]) => {
    services.kmsCalls.push({ operation: "GenerateDataKey", context: input.EncryptionContext });
    const keyId = requireKey(input.KeyId);
    const plaintext = randomBytes(32);
    return { KeyId: keyId, Plaintext: plaintext, CiphertextBlob: seal(plaintext, keyId, input.EncryptionContext) };
  });
  kms.on(EncryptCommand as never).callsFake((input: EncryptCommand["input"]) => {
    services.kmsCalls.push({ operation: "Encrypt", context: input.EncryptionContext });
    const keyId = requireKey(input.KeyId);
    return { KeyId: keyId, CiphertextBlob: seal(input.Plaintext!, keyId, input.EncryptionContext) };
  });
  kms.on(DecryptCommand as never).callsFake((input: DecryptCommand["input"]) => {
    services.kmsCalls.push({ operation: "Decrypt", context: input.EncryptionContext });
    const blob = Buffer.from(input.CiphertextBlob!);
    const idLength = blob[0]!;
    const keyId = blob.subarray(1, 1 + idLength).toString();
    const rest = blob.subarray(1 + idLength);
    try {
      const decipher = createDecipheriv("aes-256-gcm", master, rest.subarray(0, 12)).setAAD(aad(keyId, input.EncryptionContext));
      decipher.setAuthTag(rest.subarray(12, 28));
      return { KeyId: keyId, Plaintext: Buffer.concat([decipher.update(rest.subarray(28)), decipher.final()]) };
    } catch {
      throw new InvalidCiphertextException({ message: "ciphertext or encryption context does not match", $metadata: {} });
    }
  });

  const sfn = stub(SFNClient);
  sfn.on(StartExecutionCommand as never).callsFake((input: StartExecutionCommand["input"]) => {
    const name = input.name!;
    if (services.executions.some((e) => e.name === name)) throw new ExecutionAlreadyExists({ message: name, $metadata: {} });
    services.executions.push({ name, input: JSON.parse(input.input ?? "{}") });
    return { executionArn: `arn:aws:states:us-east-1:000000000000:execution:operations:${name}`, startDate: new Date() };
  });

  services.ssm.on(GetParametersCommand as never).callsFake((input: GetParametersCommand["input"]) => {
    const names = input.Names ?? [];
    if (names.length > 10) throw Object.assign(new Error("at most 10 names"), { name: "ValidationException" });
    return {
      Parameters: names
        .filter((n) => services.parameters.has(n))
        .map((n) => ({ Name: n, Type: "SecureString", Value: services.parameters.get(n) })),
      InvalidParameters: names.filter((n) => !services.parameters.has(n)),
    };
  });

  services.restore = () => {
    for (const mock of [sqs, services.eventBridge, kms, sfn, services.ssm]) mock.restore();
  };
  return services;
}

function requireKey(keyId: string | undefined): string {
  if (keyId !== KMS_KEY_ID) throw Object.assign(new Error(`key ${keyId} not found`), { name: "NotFoundException" });
  return keyId;
}

function aad(keyId: string, context: Record<string, string> | undefined): Buffer {
  const sorted = Object.entries(context ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return Buffer.from(JSON.stringify([keyId, sorted]));
}

function attributeBytes(entry: SendMessageBatchRequestEntry): number {
  return Object.entries(entry.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) =>
      sum + Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? "") + Buffer.byteLength(value.StringValue ?? ""),
    0,
  );
}
