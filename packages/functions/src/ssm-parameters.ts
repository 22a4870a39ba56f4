// SSM GetParameters, the one SSM call Fleetplane makes (the API reads its platform key once per container), over
// SSM's AWS JSON 1.1 protocol and signed with the AWS SDK's own Signature V4 signer. The SSM client would add its
// whole service model (about 85 KB and 20 ms of every API cold start, bench/results/bundles.json) for this call.
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { SignatureV4 } from "@smithy/signature-v4";

export interface SsmParameter {
  Name: string;
  Value?: string;
}

/** What the secret loader needs of SSM. */
export interface SsmParameterReader {
  getParameters(names: string[], withDecryption: boolean): Promise<SsmParameter[]>;
}

/** An SSM error answer: `name` is AWS's error code (`ThrottlingException`, `AccessDeniedException`...). */
export class SsmError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Attempts per call, as the SDK's standard retry mode makes them; throttles and 5xx are retried. */
const ATTEMPTS = 3;
const TIMEOUT_MS = 5_000;

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer takes. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/**
 * Reads parameters with the function's role credentials, which Lambda gives in the environment, at the
 * endpoint the SDK would use (`AWS_ENDPOINT_URL_SSM` or `AWS_ENDPOINT_URL` when set).
 */
export class SignedSsmParameterReader implements SsmParameterReader {
  private readonly region: string;
  private readonly endpoint: URL;

  constructor(private readonly env: Record<string, string | undefined>) {
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new Error("Fleetplane configuration is invalid:\n  AWS_REGION: required to read SSM parameters");
    this.region = region;
    this.endpoint = new URL(env.AWS_ENDPOINT_URL_SSM ?? env.AWS_ENDPOINT_URL ?? `https://ssm.${region}.amazonaws.com`);
  }

  async getParameters(names: string[], withDecryption: boolean): Promise<SsmParameter[]> {
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = this.env;
    if (!accessKeyId || !secretAccessKey)
      throw new Error("no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)");
    const signer = new SignatureV4({
      service: "ssm",
      region: this.region,
      sha256: Sha256,
      credentials: { accessKeyId, secretAccessKey, sessionToken },
    });
    const body = JSON.stringify({ Names: names, WithDecryption: withDecryption });
    for (let attempt = 1; ; attempt++) {
      try {
        const out = (await this.call(signer, "GetParameters", body)) as { Parameters?: SsmParameter[] };
        return out.Parameters ?? [];
      } catch (error) {
        // A network fault or timeout is retried like a throttle or a 5xx; any other answer is final.
        const retryable = error instanceof SsmError ? error.status >= 500 || /Throttl|TooManyRequests/.test(error.name) : true;
        if (!retryable || attempt === ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      }
    }
  }

  private async call(signer: SignatureV4, operation: string, body: string): Promise<unknown> {
    const signed = await signer.sign({
      method: "POST",
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
      path: this.endpoint.pathname,
      query: {},
      headers: {
        host: this.endpoint.host,
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `AmazonSSM.${operation}`,
        "content-length": String(Buffer.byteLength(body)),
      },
      body,
    });
    const { status, text } = await send(this.endpoint, signed.headers, body);
    const answer = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (status === 200) return answer;
    // The JSON protocol's error code is `__type`, sometimes prefixed by a namespace (`com.amazonaws.ssm#...`).
    const code = String(answer.__type ?? `HTTP${status}`)
      .split("#")
      .pop()!;
    throw new SsmError(code, String(answer.message ?? answer.Message ?? `SSM ${operation} answered ${status}`), status);
  }
}

function send(endpoint: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const request = endpoint.protocol === "http:" ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(endpoint, { method: "POST", headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`SSM did not answer within ${TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
