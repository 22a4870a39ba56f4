// Keeps a view current: follows the fleet event feed (GET /events) when the API serves it, and refreshes the view
// when new events arrive; otherwise refreshes on a timer. Stops when the view is left.
import { ApiError } from "../api.js";

/** How often a view without the event feed re-reads what it shows, and how often the feed is asked for news. */
export const POLL_MS = 10_000;
export const FEED_MS = 3_000;
const CATCH_UP_PAGES = 20;

let feed; // undefined: not asked yet; null: not served; { after } once caught up

/** Calls `refresh()` whenever the fleet changes (or every POLL_MS without a feed) until `ctx.signal` aborts. */
export function watchFleet(ctx, refresh, { pollMs = POLL_MS } = {}) {
  let timer;
  let stopped = false;
  ctx.signal.addEventListener("abort", () => {
    stopped = true;
    clearTimeout(timer);
  });
  const schedule = (ms) => {
    if (!stopped) timer = setTimeout(tick, ms);
  };
  const tick = async () => {
    try {
      if (feed === undefined) feed = await catchUp(ctx);
      if (feed) {
        const page = await ctx.api.get("/events", { after: feed.after, limit: 100 });
        if (page.next_cursor) feed.after = page.next_cursor;
        if (page.items?.length && page.next_cursor) await refresh();
        return schedule(FEED_MS);
      }
      await refresh();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return; // the shell signs out
    }
    schedule(pollMs);
  };
  schedule(feed ? FEED_MS : pollMs);
}

/** The feed's cursor at its end, or null when the API has no feed (404) or it does not page as expected. */
async function catchUp(ctx) {
  try {
    let after;
    for (let i = 0; i < CATCH_UP_PAGES; i++) {
      const page = await ctx.api.get("/events", { after, limit: 500 });
      if (!page.next_cursor || page.next_cursor === after) return after ? { after } : null;
      after = page.next_cursor;
      if (!page.items?.length) return { after };
    }
    return { after };
  } catch {
    return null;
  }
}
