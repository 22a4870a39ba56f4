// X-Ray subsegments for the AWS SDK calls of a sampled Lambda invocation, as Powertools Tracer's
// captureAWSv3Client records them, sent straight to the function's X-Ray daemon over UDP. The X-Ray SDK
// (135 KB minified) would take the API bundle over its 1 MB budget; this is the part Fleetplane uses.
import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { getXrayTraceDataFromEnv } from "@aws-lambda-powertools/commons/utils/env";

/** The trace an invocation belongs to, from Lambda's trace header (`Root=…;Parent=…;Sampled=1`). */
export interface TraceContext {
  root: string;
  /** The id of the function's segment, which Lambda records: the SDK calls' subsegments hang under it. */
  parent: string;
  sampled: boolean;
}

/** A subsegment document as the X-Ray daemon takes it (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html). */
export interface Subsegment {
  name: string;
  id: string;
  trace_id: string;
  parent_id: string;
  type: "subsegment";
  namespace: "aws";
  start_time: number;
  end_time: number;
  aws: { operation: string; region?: string; request_id?: string; retries?: number; table_name?: string; queue_url?: string };
  http?: { response: { status: number } };
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
}

export type SegmentSink = (subsegment: Subsegment) => void;

/** Tracing is on in Lambda unless POWERTOOLS_TRACE_ENABLED is false, and never outside it (Powertools' own rule). */
export function tracingEnabled(env: Record<string, string | undefined>): boolean {
  return (
    (env.POWERTOOLS_TRACE_ENABLED ?? "").toLowerCase() !== "false" &&
    Boolean(env.AWS_EXECUTION_ENV) &&
    env.AWS_EXECUTION_ENV !== "AWS_Lambda_amplify-mock" &&
    !env.AWS_SAM_LOCAL
  );
}

/** The current invocation's trace (Lambda's invoke store or `_X_AMZN_TRACE_ID`), if it has one. */
export function currentTrace(): TraceContext | undefined {
  const data = getXrayTraceDataFromEnv();
  if (!data?.Root || !data.Parent) return undefined;
  return { root: data.Root, parent: data.Parent, sampled: data.Sampled === "1" };
}

/** Sends each subsegment as one UDP datagram to the daemon (`AWS_XRAY_DAEMON_ADDRESS`: `host:port` or `udp:host:port tcp:…`). */
export function xrayDaemon(address: string): SegmentSink {
  const udp = /udp:([^\s:]+):(\d+)/.exec(address) ?? /^([^\s:]+):(\d+)$/.exec(address.trim());
  if (!udp) throw new Error(`Fleetplane configuration is invalid:\n  AWS_XRAY_DAEMON_ADDRESS: host:port (got "${address}")`);
  const [host, port] = [udp[1]!, Number(udp[2])];
  let socket: Socket | undefined;
  return (subsegment) => {
    if (!socket) {
      socket = createSocket("udp4");
      // Never keeps a process alive; a lost datagram loses a subsegment, never a call.
      socket.unref();
      socket.on("error", () => undefined);
    }
    try {
      socket.send(`{"format":"json","version":1}\n${JSON.stringify(subsegment)}`, port, host);
    } catch {
      // A subsegment that cannot be sent is dropped: tracing never fails a call.
    }
  };
}

/** What the middleware reads of an SDK v3 client. */
interface SdkClient {
  middlewareStack: { add: (middleware: never, options: { step: "build"; name: string; override?: boolean }) => void };
  config: { region?: unknown };
}

interface CallMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
}

const THROTTLES = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
]);

/**
 * Adds a subsegment per call of `client` (retries included) to the current sampled trace, and passes the trace on to
 * the service in `X-Amzn-Trace-Id` with the subsegment as parent, as the X-Ray SDK does.
 */
export function traceSdkCalls<Client extends SdkClient>(
  client: Client,
  sink: SegmentSink,
  trace: () => TraceContext | undefined = currentTrace,
): Client {
  const middleware =
    (next: (args: any) => Promise<any>, context: { clientName?: string; commandName?: string }) =>
    async (args: { input?: Record<string, unknown>; request?: { headers?: Record<string, string> } }) => {
      const current = trace();
      if (!current?.sampled) return next(args);
      const id = randomBytes(8).toString("hex");
      if (args.request?.headers) args.request.headers["X-Amzn-Trace-Id"] = `Root=${current.root};Parent=${id};Sampled=1`;
      const started = Date.now() / 1000;
      let metadata: CallMetadata | undefined;
      let failure: { name?: string } | undefined;
      try {
        const result = await next(args);
        metadata = result?.output?.$metadata;
        return result;
      } catch (error) {
        failure = error as { name?: string };
        metadata = (error as { $metadata?: CallMetadata }).$metadata;
        throw error;
      } finally {
        const region =
          typeof client.config.region === "function"
            ? await (client.config.region as () => Promise<string>)().catch(() => undefined)
            : undefined;
        const status = metadata?.httpStatusCode;
        const input = args.input ?? {};
        sink({
          name: (context.clientName ?? "AWS").replace(/Client$/, ""),
          id,
          trace_id: current.root,
          parent_id: current.parent,
          type: "subsegment",
          namespace: "aws",
          start_time: started,
          end_time: Date.now() / 1000,
          aws: {
            operation: (context.commandName ?? "").replace(/Command$/, ""),
            region,
            request_id: metadata?.requestId,
            retries: metadata?.attempts === undefined ? undefined : metadata.attempts - 1,
            ...(typeof input.TableName === "string" ? { table_name: input.TableName } : {}),
            ...(typeof input.QueueUrl === "string" ? { queue_url: input.QueueUrl } : {}),
          },
          ...(status ? { http: { response: { status } } } : {}),
          ...(status === 429 || THROTTLES.has(failure?.name ?? "") ? { throttle: true } : {}),
          ...(status !== undefined && status >= 500 ? { fault: true } : {}),
          ...((status !== undefined && status >= 400 && status < 500) || (failure && status === undefined) ? { error: true } : {}),
        });
      }
    };
  client.middlewareStack.add(middleware as never, { step: "build", name: "fleetplaneXRaySubsegments", override: true });
  return client;
}

const sink = tracingEnabled(process.env) ? xrayDaemon(process.env.AWS_XRAY_DAEMON_ADDRESS ?? "127.0.0.1:2000") : undefined;

/** The client, each of its calls recorded as an X-Ray subsegment when this container traces. */
export function traced<Client extends SdkClient>(client: Client): Client {
  return sink ? traceSdkCalls(client, sink) : client;
}
