// The Fleetplane API client: Bearer key, JSON in and out, and the error envelope turned into ApiError.

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

/** A client bound to one API base URL and key. */
export function createClient({ baseUrl, key }) {
  async function request(method, path, { query, body } = {}) {
    const url = new URL(`${baseUrl}${FLEET_PATH}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined && item !== null && item !== "") url.searchParams.append(name, String(item));
      }
    }
    const headers = { authorization: `Bearer ${key}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
    } catch {
      throw new ApiError(
        0,
        "unreachable",
        `Could not reach the API at ${baseUrl}. Check the URL, that the API is up, and (in AWS) that it allows this console's origin (CORS).`,
      );
    }
    const text = await response.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const envelope = parsed && typeof parsed === "object" ? parsed.error : undefined;
      throw new ApiError(
        response.status,
        envelope?.code ?? `http_${response.status}`,
        envelope?.message ?? (response.statusText || `HTTP ${response.status}`),
        envelope?.details,
      );
    }
    return parsed;
  }

  return {
    baseUrl,
    get: (path, query) => request("GET", path, { query }),
    post: (path, body) => request("POST", path, { body }),
    patch: (path, body) => request("PATCH", path, { body }),
    delete: (path, query) => request("DELETE", path, { query }),
  };
}

/** The key's role (viewer, operator or admin), from GET /me; the API's 403 stays the authority on each action. */
export async function probeRole(client) {
  const me = await client.get("/me");
  return me.role;
}
