// The event feed (GET /events) and its Server-Sent Events form, against a whole local Fleetplane.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet.close());

const register = (name: string, key?: string) => fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ name }), key });

describe("GET /events", () => {
  test("lists the organization's events oldest first in EventBridge's shape, page by page", async () => {
    const names = ["feed-a", "feed-b", "feed-c"];
    const ids: string[] = [];
    for (const name of names) ids.push((await register(name)).body.id);
    await fleet.request("PATCH", `${FLEET}/servers/${ids[0]}`, { body: { description: "changed" } });

    const viewer = await fleet.keyWithRole("viewer");
    const all = await fleet.request("GET", `${FLEET}/events?limit=500`, { key: viewer });
    expect(all.status).toBe(200);
    const mine = all.body.items.filter((e: any) => ids.includes(e.detail.data.server?.id));
    expect(mine.map((e: any) => [e["detail-type"], e.detail.data.server.name])).toEqual([
      ["Server Registered", "feed-a"],
      ["Server Registered", "feed-b"],
      ["Server Registered", "feed-c"],
      ["Server Updated", "feed-a"],
    ]);
    const first = mine[0];
    expect(first).toMatchObject({ id: first.detail.event_id, source: "fleetplane", time: first.detail.occurred_at });
    expect(first.detail).toMatchObject({ organization_id: "default", version: 1 });

    // Two at a time: the pages join up with nothing repeated or missing.
    const paged: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await fleet.request("GET", `${FLEET}/events?limit=2${after ? `&after=${after}` : ""}`);
      paged.push(...page.body.items.map((e: any) => e.id));
      if (!page.body.next_cursor) break;
      after = page.body.next_cursor;
    }
    expect(paged).toEqual(all.body.items.map((e: any) => e.id));

    const updates = await fleet.request("GET", `${FLEET}/events?detail_type=Server%20Updated`);
    expect(updates.body.items.every((e: any) => e["detail-type"] === "Server Updated")).toBe(true);
    expect(updates.body.items.some((e: any) => e.detail.data.server.id === ids[0])).toBe(true);

    const later = await fleet.request("GET", `${FLEET}/events?after=${mine[2].id}`);
    expect(later.body.items.map((e: any) => e.id)).toContain(mine[3].id);
    expect(later.body.items.map((e: any) => e.id)).not.toContain(mine[2].id);
  });

  test("an organization sees only its own events", async () => {
    const other = await fleet.organization();
    await register("other-org-server", other.adminKey);
    const theirs = await fleet.request("GET", `${FLEET}/events`, { key: other.adminKey });
    expect(theirs.body.items.map((e: any) => e.detail.data.server.name)).toEqual(["other-org-server"]);
    const ours = await fleet.request("GET", `${FLEET}/events?limit=500`);
    expect(ours.body.items.some((e: any) => e.detail.organization_id !== "default")).toBe(false);
  });

  test("a malformed cursor, detail type or limit is a 400", async () => {
    for (const query of ["after=nope", "detail_type=Server%20Exploded", "limit=0", "limit=501"]) {
      const res = await fleet.request("GET", `${FLEET}/events?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
    }
    expect((await fleet.request("GET", `${FLEET}/events`, { key: null })).status).toBe(401);
  });
});

describe("GET /events/stream", () => {
  test("replays after Last-Event-ID, then streams new events live", async () => {
    const before = (await register("stream-before")).body.id;
    const feed = await fleet.request("GET", `${FLEET}/events?limit=500`);
    const resumeFrom = feed.body.items.find((e: any) => e.detail.data.server?.id === before).id;
    const registeredAfter = (await register("stream-replayed")).body.id;

    const controller = new AbortController();
    const response = await fetch(`${fleet.url}${FLEET}/events/stream`, {
      headers: { authorization: `Bearer ${fleet.adminKey}`, "last-event-id": resumeFrom },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const received: any[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.*)$/m.exec(message)?.[1];
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (id && data) received.push({ id, event: JSON.parse(data) });
        }
      }
    })().catch(() => undefined);

    const live = (await register("stream-live")).body.id;
    await expect.poll(() => received.map((r) => r.event.detail.data.server?.id), { timeout: 10_000 }).toContain(live);
    controller.abort();
    await reading;
    const serverIds = received.map((r) => r.event.detail.data.server?.id);
    expect(serverIds).not.toContain(before);
    expect(serverIds.indexOf(registeredAfter)).toBeLessThan(serverIds.indexOf(live));
    expect(received.every((r) => r.id === r.event.id)).toBe(true);
    expect(new Set(received.map((r) => r.id)).size).toBe(received.length);
  });

  test("a Last-Event-ID that is not an event id is a 400 before any stream opens", async () => {
    const res = await fleet.request("GET", `${FLEET}/events/stream`, { headers: { "last-event-id": "nope" } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: "after", message: "not an event id" }]);
  });
});
