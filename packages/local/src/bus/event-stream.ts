// GET /events/stream: the event feed as Server-Sent Events. Replays the feed after Last-Event-ID (or `after`),
// then follows the local bus live; each message's id is the event id, so a reconnecting EventSource resumes.
import { streamSSE } from "hono/streaming";
import { eventStreamRoute, isId, listEvents, router, ValidationFailed, wireEvent, type FleetEvent, type WireEvent } from "@fleetplane/core";
import type { LocalEventBus } from "./local-bus.js";

/** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;
/** Live events held while the replay reads the table; a subscriber that far behind is dropped and reconnects. */
const MAX_BUFFERED = 10_000;

export function eventStream(bus: LocalEventBus) {
  const stream = router();
  stream.openapi(
    eventStreamRoute,
    (c) => {
      const ctx = c.get("ctx");
      const { organizationId } = c.get("caller");
      const query = c.req.valid("query");
      const lastEventId = c.req.header("last-event-id")?.trim() || query.after;
      // Checked before the stream opens: afterwards a problem can no longer be a 400.
      if (lastEventId && !isId(lastEventId)) {
        throw new ValidationFailed("Last-Event-ID (or after) must be an event id", [{ path: "after", message: "not an event id" }]);
      }
      const wanted = (e: FleetEvent) =>
        e.detail.organization_id === organizationId && (!query.detail_type || e.detail_type === query.detail_type);
      return streamSSE(c, async (sse) => {
        let live: WireEvent[] | undefined = [];
        let overflow = false;
        let wake = () => {};
        const unsubscribe = bus.subscribe({}, (event) => {
          if (!wanted(event) || !live) return;
          if (live.length >= MAX_BUFFERED) overflow = true;
          else live.push(wireEvent(event));
          wake();
        });
        sse.onAbort(() => {
          unsubscribe();
          live = undefined;
          wake();
        });
        try {
          let cursor = lastEventId;
          const send = async (event: WireEvent) => {
            if (cursor && event.id <= cursor) return;
            await sse.writeSSE({ id: event.id, data: JSON.stringify(event) });
            cursor = event.id;
          };
          // Replay what the feed holds, then what arrived on the bus meanwhile and after (ids only move forward).
          for (let more = true; more && live; ) {
            const page = await listEvents(ctx, organizationId, { after: cursor, detail_type: query.detail_type, limit: 500 });
            for (const event of page.items) await send(event);
            more = page.next_cursor !== null;
          }
          while (live && !overflow) {
            const batch = live.splice(0);
            for (const event of batch) await send(event);
            if (live.length === 0) {
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, KEEPALIVE_MS);
                wake = () => {
                  clearTimeout(timer);
                  resolve();
                };
              });
              if (live && live.length === 0) await sse.write(": keep-alive\n\n");
            }
          }
        } finally {
          unsubscribe();
        }
      }) as never;
    },
  );
  return stream;
}
