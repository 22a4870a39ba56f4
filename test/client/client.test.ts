// @fleetplane/client against the real local API: pages are followed, retries are bounded, errors are typed.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  allItems,
  createFleetplaneClient,
  FleetplaneApiError,
  FleetplaneNetworkError,
  items,
  pages,
  unwrap,
  type RetryNotice,
} from "@fleetplane/client";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet.close());

const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

describe("pagination", () => {
  test("items() follows next_cursor through every page and pages() yields each page once", async () => {
    const tag = `page-${Date.now()}`;
    for (let i = 0; i < 7; i++) await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ tags: [tag] }) });
    const client = createFleetplaneClient({ endpoint: fleet.url, key: fleet.adminKey });
    const fetchPage = (cursor: string | undefined) =>
      unwrap(client.api.GET("/api/v1/fleet/servers", { params: { query: { tag: [tag], limit: 3, cursor } } }));

    const seen: string[] = [];
    for await (const server of items(fetchPage)) seen.push(server.name);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);

    const sizes: number[] = [];
    for await (const page of pages(fetchPage)) sizes.push(page.items.length);
    expect(sizes).toEqual([3, 3, 1]);
    expect((await allItems(fetchPage)).map((s) => s.name)).toEqual(seen);
  });
});

describe("errors and retries", () => {
  /** The real API behind a fetch that first answers `faults` with the given statuses. */
  function faultyClient(faults: number[], onRetry?: (n: RetryNotice) => void) {
    const sent: string[] = [];
    const client = createFleetplaneClient({
      endpoint: fleet.url,
      key: fleet.adminKey,
      retry: fast,
      onRetry,
      fetch: async (request) => {
        sent.push(request.method);
        const status = faults.shift();
        if (status !== undefined)
          return Response.json({ error: { code: "unavailable", message: "try later" } }, { status, headers: { "retry-after": "0" } });
        return fetch(request);
      },
    });
    return { client, sent };
  }

  test("a GET turned away with 429 then 503 is retried and answers from the real API", async () => {
    const notices: RetryNotice[] = [];
    const { client, sent } = faultyClient([429, 503], (n) => notices.push(n));
    const summary = await unwrap(client.api.GET("/api/v1/fleet/summary"));
    expect(summary.total_servers).toBeGreaterThanOrEqual(0);
    expect(sent).toHaveLength(3);
    expect(notices.map((n) => n.status)).toEqual([429, 503]);
  });

  test("a POST that met a 500 is not repeated (it may have done its work), and the error envelope is typed", async () => {
    const { client, sent } = faultyClient([500]);
    const body = serverBody() as never;
    const error = await unwrap(client.api.POST("/api/v1/fleet/servers", { body })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetplaneApiError);
    expect((error as FleetplaneApiError).status).toBe(500);
    expect(sent).toEqual(["POST"]);
  });

  test("retries stop after the policy's attempts and the last answer is the error", async () => {
    const { client, sent } = faultyClient([503, 503, 503, 503]);
    const error = await unwrap(client.api.GET("/api/v1/fleet/summary")).catch((e: unknown) => e);
    expect((error as FleetplaneApiError).status).toBe(503);
    expect(sent).toHaveLength(3);
  });

  test("a validation failure carries the API's code, message and field paths", async () => {
    const client = createFleetplaneClient({ endpoint: fleet.url, key: fleet.adminKey, retry: fast });
    const error = await unwrap(
      client.api.POST("/api/v1/fleet/servers", { body: { ...(serverBody() as object), api_url: "gopher://x" } as never }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetplaneApiError);
    expect(error).toMatchObject({ status: 400, code: "validation_failed" });
    expect((error as FleetplaneApiError).details.map((d) => d.path)).toContain("api_url");
  });

  test("an endpoint nobody listens on is a network error after the retries", async () => {
    const client = createFleetplaneClient({ endpoint: "http://127.0.0.1:9", retry: fast });
    await expect(unwrap(client.api.GET("/api/v1/fleet/summary"))).rejects.toBeInstanceOf(FleetplaneNetworkError);
  });
});
