// The API's error envelope as a typed error, and the failure to reach the API at all.
import type { components } from "./generated/openapi.js";

export type ErrorEnvelope = components["schemas"]["Error"];
export type ErrorDetail = NonNullable<ErrorEnvelope["error"]["details"]>[number];

/** The API answered with a status outside 2xx; `code`, `message` and `details` come from its error envelope. */
export class FleetplaneApiError extends Error {
  override readonly name = "FleetplaneApiError";
  readonly code: string;
  readonly details: ErrorDetail[];
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    body: unknown,
  ) {
    const envelope = isEnvelope(body) ? body.error : undefined;
    super(envelope?.message ?? `${method} ${url} answered ${status}`);
    this.code = envelope?.code ?? `http_${status}`;
    this.details = envelope?.details ?? [];
  }
}

/** No answer from the API (connection refused, DNS, reset) after the retries. */
export class FleetplaneNetworkError extends Error {
  override readonly name = "FleetplaneNetworkError";
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(
      `could not reach ${url}: ${cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)}`,
      {
        cause,
      },
    );
  }
}

function isEnvelope(body: unknown): body is ErrorEnvelope {
  const error = (body as ErrorEnvelope | undefined)?.error;
  return typeof error === "object" && error !== null && typeof error.message === "string" && typeof error.code === "string";
}
