// The AWS endpoint the bundled handlers call for the services with no local emulator. Their SDK is bundled inside
// them, out of aws-sdk-client-mock's reach, so each request is taken off the wire (the AWS JSON protocol), sent
// through the repository's own client of that service, which aws-sdk-client-mock records and answers, and the
// answer or the error goes back on the wire as AWS shapes it. The bundled SDK's serialization, retries and
// checksums run for real.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import * as eventBridge from "@aws-sdk/client-eventbridge";
import * as kms from "@aws-sdk/client-kms";
import * as sfn from "@aws-sdk/client-sfn";
import * as sqs from "@aws-sdk/client-sqs";
import * as ssm from "@aws-sdk/client-ssm";

interface Service {
  /** The environment variable that points the SDK's client of this service at an endpoint. */
  endpointVariable: string;
  client: { send(command: unknown): Promise<unknown> };
  commands: Record<string, unknown>;
  /** Top-level members that travel as base64 on the wire and as bytes in the SDK. */
  blobs: string[];
}

type Command = new (input: unknown) => unknown;

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const local = { region: "us-east-1", credentials, endpoint: "http://127.0.0.1:9" };

/** Services by the X-Amz-Target prefix of their JSON protocol. */
function services(): Record<string, Service> {
  return {
    TrentService: { endpointVariable: "AWS_ENDPOINT_URL_KMS", client: new kms.KMSClient(local), commands: kms, blobs: ["CiphertextBlob", "Plaintext"] },
    AmazonSQS: { endpointVariable: "AWS_ENDPOINT_URL_SQS", client: new sqs.SQSClient(local), commands: sqs, blobs: [] },
    AWSEvents: { endpointVariable: "AWS_ENDPOINT_URL_EVENTBRIDGE", client: new eventBridge.EventBridgeClient(local), commands: eventBridge, blobs: [] },
    AWSStepFunctions: { endpointVariable: "AWS_ENDPOINT_URL_SFN", client: new sfn.SFNClient(local), commands: sfn, blobs: [] },
    AmazonSSM: { endpointVariable: "AWS_ENDPOINT_URL_SSM", client: new ssm.SSMClient(local), commands: ssm, blobs: [] },
  };
}

export interface AwsEndpoint {
  url: string;
  /** The environment that sends every bundled client of these services here. */
  environment: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the endpoint on 127.0.0.1. The repository's clients it sends through must be mocked before a request arrives. */
export async function startAwsEndpoint(): Promise<AwsEndpoint> {
  const byPrefix = services();
  const server = createServer((request, response) => {
    answer(byPrefix, request, response).catch((error: unknown) => reply(response, 500, { __type: "InternalFailure", message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    environment: Object.fromEntries(Object.values(byPrefix).map((s) => [s.endpointVariable, url])),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function answer(byPrefix: Record<string, Service>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const [prefix = "", operation = ""] = String(request.headers["x-amz-target"] ?? "").split(".");
  const service = byPrefix[prefix];
  const CommandClass = service?.commands[`${operation}Command`] as Command | undefined;
  if (!service || !CommandClass) return reply(response, 400, { __type: "UnknownOperationException", message: `${prefix}.${operation}` });
  const input = fromWire(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>, service.blobs);
  try {
    const output = (await service.client.send(new CommandClass(input))) as Record<string, unknown> | undefined;
    reply(response, 200, toWire(output ?? {}));
  } catch (error) {
    const { name, message, $metadata } = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    reply(response, $metadata?.httpStatusCode ?? 400, { __type: name, message });
  }
}

function fromWire(body: Record<string, unknown>, blobs: string[]): Record<string, unknown> {
  const input = { ...body };
  for (const member of blobs) if (typeof input[member] === "string") input[member] = new Uint8Array(Buffer.from(input[member], "base64"));
  return input;
}

/** Bytes as base64 and dates as epoch seconds, the JSON protocol's encodings; `$metadata` is the SDK's own. */
function toWire(output: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [member, value] of Object.entries(output)) {
    if (member === "$metadata") continue;
    body[member] = value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value instanceof Date ? value.getTime() / 1000 : value;
  }
  return body;
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify(body));
}
