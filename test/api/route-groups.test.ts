// The API app that loads each router on its first request (what the Lambda function serves) mounts the same
// routes as the local runtime's app and answers every one of them the same: route lists checked against the
// routers, then each route asked the same questions of both apps over one store.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApi, newId } from "@fleetplane/core";
import { createApiOnFirstRequest } from "@fleetplane/core/api/on-first-request";
import { ROUTE_GROUPS } from "../../packages/core/src/api/route-groups.js";
import { FLEET, serverBody, startTestFleet, type ApiResponse, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
let onFirstRequest: ReturnType<typeof createApiOnFirstRequest>;
beforeAll(async () => {
  fleet = await startTestFleet();
  onFirstRequest = createApiOnFirstRequest(fleet.runtime.ctx);
});
afterAll(() => fleet.close());

/** The same request to the app that loads routers on first request, in-process, at the local server's origin. */
async function ask(method: string, path: string, options: { body?: unknown; key?: string | null } = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? fleet.adminKey : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await onFirstRequest.request(fleet.url + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** Both apps' answers, with the instants they were generated at (a few milliseconds apart) blanked. */
const both = async (method: string, path: string, options: { body?: unknown; key?: string | null } = {}) => {
  const [eager, lazy] = [await fleet.request(method, path, options), await ask(method, path, options)];
  return { eager: { status: eager.status, body: withoutInstants(eager.body) }, lazy: { status: lazy.status, body: withoutInstants(lazy.body) } };
};

function withoutInstants(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null), (_key, v: unknown) =>
    typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) ? "<instant>" : v,
  );
}

const everyRoute = ROUTE_GROUPS.flatMap((group) => group.routes.map(([method, path]) => ({ group: group.name, method, path: group.base + path })));
const withIds = (path: string) => path.replace(/:[a-z_]+/g, () => newId());

describe("routes loaded on first request", () => {
  test("each router's route list names exactly the routes it registers, in order", async () => {
    for (const group of ROUTE_GROUPS) {
      const router = await group.load();
      const registered: string[] = [];
      for (const route of router.routes) if (!registered.includes(`${route.method} ${route.path}`)) registered.push(`${route.method} ${route.path}`);
      expect(group.routes.map(([method, path]) => `${method} ${path}`), group.name).toEqual(registered);
    }
    expect(everyRoute.length).toBe(49);
  });

  test("every route answers the same to a caller without a key, and to an admin asking about what does not exist", async () => {
    for (const { method, path } of everyRoute) {
      const body = method === "GET" ? undefined : {};
      const anonymous = await both(method, withIds(path), { body, key: null });
      expect(anonymous.lazy, `${method} ${path} without a key`).toEqual(anonymous.eager);
      const concrete = withIds(path);
      const admin = await both(method, concrete, { body });
      expect(admin.lazy, `${method} ${concrete}`).toEqual(admin.eager);
    }
  });

  test("a server registered through one app is read, changed and listed the same through both", async () => {
    const created = await ask("POST", `${FLEET}/servers`, { body: serverBody({ api_url: "https://agent.example.com" }) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    for (const path of [`${FLEET}/servers/${id}`, `${FLEET}/servers?limit=5`, `${FLEET}/servers/${id}/health`, `${FLEET}/me`, `${FLEET}/groups`]) {
      const { eager, lazy } = await both("GET", path);
      expect(eager.status, path).toBe(200);
      expect(lazy, path).toEqual(eager);
    }
    const changed = await ask("PATCH", `${FLEET}/servers/${id}`, { body: { status: "maintenance" } });
    expect(changed.status).toBe(200);
    expect((await fleet.request("GET", `${FLEET}/servers/${id}`)).body.status).toBe("maintenance");
    // A viewer's key is refused the admin's routes by the route's own role check, loaded with its router.
    const viewer = await fleet.keyWithRole("viewer");
    const refused = await both("DELETE", `${FLEET}/servers/${id}`, { key: viewer });
    expect(refused.eager.status).toBe(403);
    expect(refused.lazy).toEqual(refused.eager);
  });

  test("the OpenAPI document is the one the app with every router loaded generates", async () => {
    // The local runtime adds its own routers (the event stream); the same app without them is the reference.
    const url = `${fleet.url}/api/v1/openapi.json`;
    const eager = await createApi(fleet.runtime.ctx).request(url);
    const lazy = await ask("GET", "/api/v1/openapi.json", { key: null });
    expect(eager.status).toBe(200);
    expect(lazy.status).toBe(200);
    expect(lazy.body).toEqual(await eager.json());
    expect(Object.keys(lazy.body.paths as object)).toHaveLength(new Set(everyRoute.map((r) => r.path)).size);
  });
});
