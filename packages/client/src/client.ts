// The Fleetplane client: openapi-fetch typed by the generated paths, with retries and the error envelope as an error.
import createClient, { type Client } from "openapi-fetch";
import { FleetplaneApiError, FleetplaneNetworkError } from "./errors.js";
import type { paths } from "./generated/openapi.js";
import { DEFAULT_RETRY, retryable, retryDelay, type RetryPolicy } from "./retry.js";

export const DEFAULT_ENDPOINT = "http://127.0.0.1:8787";
export const API_BASE = "/api/v1/fleet";

export interface RetryNotice {
  method: string;
  url: string;
  /** The status that is being retried; undefined when there was no answer. */
  status: number | undefined;
  retry: number;
  delayMs: number;
}

export interface FleetplaneClientOptions {
  /** The API's origin (default http://127.0.0.1:8787, the local runtime). */
  endpoint?: string;
  /** An API key, sent as `Authorization: Bearer <key>`. */
  key?: string;
  retry?: Partial<RetryPolicy>;
  /** Each request's own limit, every attempt counted separately (default 30 s). */
  timeoutMs?: number;
  onRetry?: (notice: RetryNotice) => void;
  /** The fetch to call (default globalThis.fetch). */
  fetch?: (request: Request) => Promise<Response>;
}

export interface FleetplaneClient {
  readonly endpoint: string;
  /** Typed calls by path (`api.GET("/api/v1/fleet/servers", ...)`); answers outside 2xx throw FleetplaneApiError. */
  readonly api: Client<paths>;
  /** A JSON call to a path the generated types may not know yet (a newer API), with the same retries and errors. */
  request<T>(
    method: string,
    path: string,
    init?: { query?: Record<string, string | number | boolean | string[] | undefined>; body?: unknown },
  ): Promise<T>;
}

export function createFleetplaneClient(options: FleetplaneClientOptions = {}): FleetplaneClient {
  const endpoint = (options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));

  const fetchWithRetries = async (request: Request): Promise<Response> => {
    for (let attempt = 1; ; attempt++) {
      const signal = AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await send(new Request(request.clone(), { signal }));
      } catch (error) {
        if (request.signal.aborted) throw error;
        failure = error;
      }
      if (response?.ok) return response;
      if (attempt < policy.attempts && retryable(request.method, response?.status)) {
        const delayMs = retryDelay(policy, attempt, response?.headers.get("retry-after") ?? null);
        await response?.body?.cancel();
        options.onRetry?.({ method: request.method, url: request.url, status: response?.status, retry: attempt, delayMs });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        continue;
      }
      if (!response) throw new FleetplaneNetworkError(request.url, failure);
      throw new FleetplaneApiError(response.status, request.method, request.url, await response.json().catch(() => undefined));
    }
  };

  const headers: Record<string, string> = options.key ? { authorization: `Bearer ${options.key}` } : {};
  const api = createClient<paths>({ baseUrl: endpoint, headers, fetch: fetchWithRetries });

  return {
    endpoint,
    api,
    async request<T>(method: string, path: string, init: { query?: Record<string, unknown>; body?: unknown } = {}) {
      const url = new URL(endpoint + path);
      for (const [name, value] of Object.entries(init.query ?? {})) {
        if (value === undefined) continue;
        for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(one));
      }
      const body = init.body === undefined ? undefined : JSON.stringify(init.body);
      const response = await fetchWithRetries(
        new Request(url, { method, headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) }, body }),
      );
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

/** The body of a typed call's answer. Non-2xx answers already threw, so `data` is there (undefined only for 204). */
export async function unwrap<D>(call: Promise<{ data?: D; response: Response }>): Promise<D> {
  return (await call).data as D;
}
