// The local runtime logs as the Lambda functions do: one JSON line per entry with the request's own id and the
// caller's organization (concurrent requests never mix them), or one readable line per entry on a terminal.
import { afterEach, describe, expect, test } from "vitest";
import { FLEET, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("local runtime logs", () => {
  test("every API request's log line is JSON with the service, its own request id and the caller's organization", async () => {
    const lines: string[] = [];
    fleet = await startTestFleet({ logLevel: "DEBUG", log: { pretty: false, write: (line) => lines.push(line) } });
    const other = await fleet.organization("logging-co");

    const [missing, listed, anonymous] = await Promise.all([
      fleet.request("GET", `${FLEET}/servers/srv_does_not_exist`),
      fleet.request("GET", `${FLEET}/servers`, { key: other.adminKey }),
      fleet.request("GET", `${FLEET}/servers`, { key: null }),
    ]);
    expect([missing.status, listed.status, anonymous.status]).toEqual([404, 200, 401]);

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const byStatus = (status: number) => entries.find((entry) => entry.status === status && entry.path !== "/api/v1/organizations");
    expect(byStatus(404)).toMatchObject({
      level: "INFO",
      message: "request refused",
      service: "local",
      stage: "local",
      method: "GET",
      path: `${FLEET}/servers/srv_does_not_exist`,
      organization_id: "default",
      request_id: expect.stringMatching(UUID),
      timestamp: expect.any(String),
    });
    expect(byStatus(200)).toMatchObject({ level: "DEBUG", message: "request answered", organization_id: other.id });
    // Refused before authentication: no organization to name.
    expect(byStatus(401)).toMatchObject({ level: "INFO", request_id: expect.stringMatching(UUID) });
    expect(byStatus(401)).not.toHaveProperty("organization_id");
    const ids = [404, 200, 401].map((status) => byStatus(status)!.request_id);
    expect(new Set(ids).size).toBe(3);
  });

  test("on a terminal each entry is one readable line, not JSON", async () => {
    const lines: string[] = [];
    fleet = await startTestFleet({ logLevel: "INFO", log: { pretty: true, write: (line) => lines.push(line) } });
    expect((await fleet.request("GET", `${FLEET}/servers/srv_nope`)).status).toBe(404);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d INFO {2}request refused {2}stage=local method=GET path=\/api\/v1\/fleet\/servers\/srv_nope status=404 duration_ms=\d+ request_id=\S+ organization_id=default$/,
    );
  });
});
