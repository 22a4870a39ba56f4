// HTTP(S) exchanges with hosts that users name (agents, webhook receivers): bounded in time and size, redirects
// never followed, and in production mode connected only to addresses that were checked after resolution.
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { EgressRefused, guardedLookup } from "./guarded-lookup.js";
import { hostRefusal, isNonRoutable, systemResolver, type HostResolver } from "./routable-address.js";

export interface OutboundHttpOptions {
  /**
   * Production mode: refuse hosts that are, or resolve to, a loopback, link-local, metadata or other non-routable
   * address (egress/routable-address.ts); the connection goes to the very addresses that were checked.
   */
  refuseNonRoutable?: boolean;
  /** How host names are resolved when refusing; tests inject one that answers any address. */
  resolver?: HostResolver;
  /** Which addresses are refused (default `isNonRoutable`); tests narrow it to reach a server on 127.0.0.1. */
  refuses?: (address: string) => boolean;
}

export interface OutboundRequest {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  /** Bounds the whole exchange: connecting, the answer and its body. */
  timeoutMs: number;
  /** A larger answer fails as `too_large`; with `discardBody` it is cut off instead (only the status is wanted). */
  maxResponseBytes: number;
  discardBody?: boolean;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export type OutboundFailureKind = "forbidden_address" | "timeout" | "connection" | "too_large";

export class OutboundFailure extends Error {
  constructor(
    readonly kind: OutboundFailureKind,
    message: string,
  ) {
    super(message);
  }
}

export class OutboundHttp {
  /** The address policy, when production mode applies one. */
  private readonly refuses: ((address: string) => boolean) | undefined;
  private readonly agents: { "http:": http.Agent; "https:": https.Agent };

  constructor(options: OutboundHttpOptions = {}) {
    this.refuses = options.refuseNonRoutable ? (options.refuses ?? isNonRoutable) : undefined;
    const lookup = this.refuses ? guardedLookup(options.resolver ?? systemResolver, this.refuses) : undefined;
    // Agents of its own, never the global one: a pooled socket is reused by host and port alone, whatever lookup
    // opened it. TLS keeps the URL's host name for SNI and certificate checks; only the address is pinned.
    const settings = { keepAlive: true, ...(lookup ? { lookup } : {}) };
    this.agents = { "http:": new http.Agent(settings), "https:": new https.Agent(settings) };
  }

  /** One exchange; every failure is an `OutboundFailure`. A 3xx is returned as it is, never followed. */
  send(target: string, request: OutboundRequest): Promise<OutboundResponse> {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return Promise.reject(new OutboundFailure("connection", "not an absolute URL"));
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      return Promise.reject(new OutboundFailure("connection", "not an http(s) URL"));
    // IP literals never reach the lookup (there is nothing to resolve), so they and local names are checked here.
    const refusal = this.refuses ? hostRefusal(url.hostname, this.refuses) : undefined;
    if (refusal) return Promise.reject(new OutboundFailure("forbidden_address", refusal));
    return new Promise((resolve, reject) => {
      let deadline: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (error: OutboundFailure | undefined, response?: OutboundResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (error) reject(error);
        else resolve(response!);
      };
      const body = request.body === undefined ? undefined : Buffer.from(request.body);
      const secure = url.protocol === "https:";
      let exchange: http.ClientRequest;
      try {
        exchange = (secure ? https : http).request(
          {
            protocol: url.protocol,
            hostname: url.hostname.replace(/^\[|\]$/g, ""),
            port: url.port || undefined,
            path: url.pathname + url.search,
            method: request.method,
            headers: { ...request.headers, ...(body ? { "content-length": String(body.byteLength) } : {}) },
            agent: secure ? this.agents["https:"] : this.agents["http:"],
          },
          (response) => readAnswer(response, request, finish),
        );
      } catch (error) {
        return finish(new OutboundFailure("connection", (error as Error).message)); // e.g. a header value http refuses
      }
      deadline = setTimeout(() => {
        finish(new OutboundFailure("timeout", `no answer within ${request.timeoutMs} ms`));
        exchange.destroy();
      }, request.timeoutMs);
      exchange.on("error", (error) => finish(asFailure(error)));
      exchange.end(body);
    });
  }

  /** Closes pooled connections. */
  close(): void {
    this.agents["http:"].destroy();
    this.agents["https:"].destroy();
  }
}

function readAnswer(
  response: IncomingMessage,
  request: OutboundRequest,
  finish: (error: OutboundFailure | undefined, response?: OutboundResponse) => void,
): void {
  const limit = request.maxResponseBytes;
  const chunks: Buffer[] = [];
  let size = 0;
  const done = () =>
    finish(undefined, { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") });
  const tooLarge = (message: string) => {
    if (request.discardBody) done();
    else finish(new OutboundFailure("too_large", message));
    response.destroy(); // the rest is not read, so the connection cannot be reused
  };
  const declared = Number(response.headers["content-length"] ?? "0");
  if (declared > limit) return tooLarge(`answer of ${declared} bytes exceeds ${limit}`);
  response.on("data", (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size > limit) return tooLarge(`answer exceeds ${limit} bytes`);
    if (!request.discardBody) chunks.push(chunk);
  });
  response.on("end", done);
  response.on("error", (error) => finish(asFailure(error)));
  response.on("close", () => {
    if (!response.complete) finish(new OutboundFailure("connection", "the connection closed before the answer was complete"));
  });
}

function asFailure(error: Error): OutboundFailure {
  if (error instanceof OutboundFailure) return error;
  if (error instanceof EgressRefused) return new OutboundFailure("forbidden_address", error.message);
  const code = (error as NodeJS.ErrnoException).code;
  return new OutboundFailure("connection", code ?? error.message);
}
