// The console's API client: @fleetplane/client's typed calls (retries, error envelope) bound to one base URL and
// key, with paths under /api/v1/fleet and every failure turned into an ApiError the views can show.
import { createFleetplaneClient, FleetplaneApiError } from "@fleetplane/client";

/** @import { Answer, Body, Method, Params, PathOf } from "./api-types.js" */

export const FLEET_PATH = "/api/v1/fleet";

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, or 0 when the API could not be reached
   * @param {string} code the envelope's error.code
   * @param {string} message
   * @param {{ path: string, message: string }[]} details per-field problems of a 400
   */
  constructor(status, code, message, details = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = Array.isArray(details) ? details : [];
  }
}

/**
 * A call's path parameters and query (typed by each method below); the query's empty values ("", null,
 * undefined) are left out, so a form's unset filter is simply not sent.
 * @typedef {{ path?: any, query?: any } | undefined} CallParams
 */

/**
 * The client for one API base URL and key. Each method takes a path as the OpenAPI document names it
 * ("/servers/{id}") and is typed by it: `api.get("/servers/{id}", { path: { id } })` answers a Server.
 * @param {{ baseUrl: string, key: string }} session
 */
export function createClient({ baseUrl, key }) {
  const client = createFleetplaneClient({
    endpoint: baseUrl,
    key,
    // An operator waits on the screen: one quick retry of a throttled or failed read, not a long backoff.
    retry: { attempts: 2, baseDelayMs: 300, maxDelayMs: 2_000 },
    // The key is sent only as a header: no cookies, no cache of answers, no referrer.
    fetch: (request) => fetch(request, { credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" }),
  });
  /** @type {(method: string, url: string, init: object) => Promise<{ data?: unknown }>} */
  const send = /** @type {any} */ (client.api).request;

  /**
   * @param {Method} method
   * @param {string} path
   * @param {CallParams} params
   * @param {unknown} [body]
   */
  async function call(method, path, params, body) {
    const query = Object.fromEntries(
      Object.entries(params?.query ?? {}).filter(([, value]) => value !== undefined && value !== null && value !== ""),
    );
    try {
      const { data } = await send(method.toUpperCase(), `${FLEET_PATH}${path}`, {
        params: { path: params?.path, query },
        ...(body === undefined ? {} : { body }),
      });
      return data;
    } catch (error) {
      throw asApiError(error, baseUrl);
    }
  }

  return {
    baseUrl,
    /**
     * @template {PathOf<"get">} P
     * @param {P} path
     * @param {Params<P, "get">} [params]
     * @returns {Promise<Answer<P, "get">>}
     */
    get: (path, params) => /** @type {any} */ (call("get", path, params)),
    /**
     * @template {PathOf<"post">} P
     * @param {P} path
     * @param {Body<P, "post">} [body]
     * @param {Params<P, "post">} [params]
     * @returns {Promise<Answer<P, "post">>}
     */
    post: (path, body, params) => /** @type {any} */ (call("post", path, params, body)),
    /**
     * @template {PathOf<"delete">} P
     * @param {P} path
     * @param {Params<P, "delete">} [params]
     * @returns {Promise<Answer<P, "delete">>}
     */
    delete: (path, params) => /** @type {any} */ (call("delete", path, params)),
  };
}

/** @typedef {ReturnType<typeof createClient>} Api */

/**
 * The failure as the console shows it: the API's status, code, message and field details, or status 0 when
 * the API could not be reached at all.
 * @param {unknown} error
 * @param {string} baseUrl
 */
function asApiError(error, baseUrl) {
  if (error instanceof FleetplaneApiError) return new ApiError(error.status, error.code, error.message, error.details);
  if (error instanceof DOMException && error.name === "AbortError") return error;
  return new ApiError(
    0,
    "unreachable",
    `Could not reach the API at ${baseUrl}. Check the URL, that the API is up, and (in AWS) that it allows this console's origin (CORS).`,
  );
}

/**
 * The key's role (viewer, operator or admin), from GET /me; the API's 403 stays the authority on each action.
 * @param {Api} api
 */
export async function probeRole(api) {
  const me = await api.get("/me");
  return me.role;
}

/**
 * The fleet summary with the figures this console knows beyond the counts (alerts, stale servers, metrics).
 * @param {Api} api
 * @returns {Promise<import("./api-types.js").FleetSummary>}
 */
export async function readSummary(api) {
  return api.get("/summary");
}
