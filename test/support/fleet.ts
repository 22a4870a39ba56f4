// Test harness: a whole local Fleetplane (dynalite in memory, real HTTP on 127.0.0.1) and a small JSON client.
import { randomBytes } from "node:crypto";
import { startLocalFleetplane, type LocalFleetplane, type LocalOptions } from "@fleetplane/local";
import { expect } from "vitest";

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  /** API key; defaults to the platform admin key. `null` sends no Authorization header. */
  key?: string | null;
  headers?: Record<string, string>;
}

export interface TestFleet {
  url: string;
  adminKey: string;
  runtime: LocalFleetplane;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** A new key of the given role in the admin key's organization (or the organization of `asKey`). */
  keyWithRole(role: "viewer" | "operator" | "admin", asKey?: string): Promise<string>;
  /** A new organization and its admin key. */
  organization(name?: string): Promise<{ id: string; adminKey: string }>;
  close(): Promise<void>;
}

export const FLEET = "/api/v1/fleet";

export async function startTestFleet(options: LocalOptions = {}): Promise<TestFleet> {
  const adminKey = `test-admin-${randomBytes(12).toString("hex")}`;
  // The probe schedule is off unless a test asks for it: tests drive cycles with `runtime.probes.tick()`, and
  // servers registered with example.com URLs must never be probed over the network.
  const runtime = await startLocalFleetplane({ inMemory: true, port: 0, adminKey, outboxIntervalMs: 50, probeSchedule: false, ...options });

  const request = async <T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? adminKey : opts.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined = opts.rawBody;
    if (body === undefined && opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers["content-type"] ??= "application/json";
    const response = await fetch(runtime.url + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };

  let organizations = 0;
  return {
    url: runtime.url,
    adminKey,
    runtime,
    request,
    async keyWithRole(role, asKey = adminKey) {
      const res = await request<{ key: string }>("POST", `${FLEET}/api-keys`, { body: { name: `${role} key`, role }, key: asKey });
      if (res.status !== 201) throw new Error(`could not create a ${role} key: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.key;
    },
    async organization(name = `org-${++organizations}-${randomBytes(4).toString("hex")}`) {
      const res = await request<{ organization: { id: string }; admin_key: string }>("POST", "/api/v1/organizations", { body: { name } });
      if (res.status !== 201) throw new Error(`could not create organization: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.organization.id, adminKey: res.body.admin_key };
    },
    close: () => runtime.close(),
  };
}

/** A valid registration body; names are unique per call unless given. */
let serial = 0;
export function serverBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  serial += 1;
  return {
    name: `srv-${process.pid}-${serial}`,
    hostname: `srv-${serial}.example.com`,
    api_url: `https://srv-${serial}.example.com`,
    api_token: `agent-token-${serial}`,
    region: "us-east-1",
    environment: "production",
    tags: ["web"],
    ...overrides,
  };
}

/**
 * Every server `GET /servers` lists for `query` (`&region=…&sort=…`), following the cursor `limit` at a time;
 * each page must answer 200 with at most `limit` items.
 */
export async function listAllServers<T = { id: string; name: string }>(fleet: TestFleet, query: string, limit: number): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1_000; pages++) {
    const res: ApiResponse<{ items: T[]; next_cursor: string | null }> = await fleet.request(
      "GET",
      `${FLEET}/servers?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
    if (!cursor) return items;
  }
  throw new Error("pagination did not end");
}
