// Keeps a view current: follows the fleet event feed (GET /events) when the API serves it and refreshes the view
// when new events arrive; otherwise polls the summary and refreshes when it changed. Stops when the view is left.
import { ApiError } from "../api.js";

/** @import { ViewContext } from "../api-types.js" */

/** How often the feed is asked for news, and how often the summary is polled when there is no feed. */
export const FEED_MS = 3_000;
export const POLL_MS = 10_000;
/** The feed starts this long before the view was drawn, so a change made while it loaded is not missed. */
const FEED_LOOKBACK_MS = 60_000;
/**
 * Each look at the feed also reaches this far before the previous look, for an event committed a moment
 * after the time its id carries.
 */
const FEED_MARGIN_MS = 5_000;

/**
 * Whether this API serves the event feed: undefined until asked, then true or false (a 404).
 * @type {boolean | undefined}
 */
let feedServed;

/**
 * Calls `refresh()` whenever the fleet changes, until `ctx.signal` aborts. With the feed: after any new event
 * (asked every FEED_MS). Without it: when the summary differs from the last one read (every POLL_MS). Either
 * way also every `maxAgeMs` when set, for what changes without an event (a check that found the same health,
 * new metrics).
 * @param {ViewContext} ctx
 * @param {() => Promise<unknown>} refresh
 * @param {{ pollMs?: number, maxAgeMs?: number }} [options]
 */
export function watchFleet(ctx, refresh, { pollMs = POLL_MS, maxAgeMs } = {}) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let stopped = false;
  // A view needs to know only whether anything happened since it last looked, not what: each look asks for one
  // event after the newer of the last one seen and the previous look's time (less the margin). A fleet of
  // 10,000 servers can publish thousands of events a minute; reading them all every 3 s would cost every open
  // console hundreds of KB per look, and would fall behind.
  let lastSeen = eventIdAt(Date.now() - FEED_LOOKBACK_MS);
  let lookedAt = Date.now() - FEED_LOOKBACK_MS;
  /** @type {string | undefined} */
  let lastSummary;
  let refreshedAt = Date.now();
  ctx.signal.addEventListener("abort", () => {
    stopped = true;
    clearTimeout(timer);
  });
  /** @param {number} ms */
  const schedule = (ms) => {
    if (!stopped) timer = setTimeout(tick, ms);
  };
  const tick = async () => {
    let changed = false;
    try {
      if (feedServed !== false) {
        try {
          const looking = Date.now();
          const floor = eventIdAt(lookedAt - FEED_MARGIN_MS);
          const page = await ctx.api.get("/events", { query: { after: lastSeen > floor ? lastSeen : floor, limit: 1 } });
          feedServed = true;
          const news = page.items[0];
          if (news) {
            lastSeen = news.id;
            changed = true;
          }
          lookedAt = looking;
        } catch (error) {
          if (!(error instanceof ApiError && (error.status === 404 || error.status === 501))) throw error;
          feedServed = false;
        }
      }
      if (feedServed === false) {
        const { generated_at: _, ...summary } = await ctx.api.get("/summary");
        const fingerprint = JSON.stringify(summary);
        changed = lastSummary !== undefined && fingerprint !== lastSummary;
        lastSummary = fingerprint;
      }
      if (stopped) return;
      if (changed || (maxAgeMs !== undefined && Date.now() - refreshedAt >= maxAgeMs)) {
        refreshedAt = Date.now();
        await refresh();
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return; // the shell signs out
    }
    schedule(feedServed === false ? pollMs : FEED_MS);
  };
  schedule(feedServed === false ? pollMs : FEED_MS);
}

/**
 * A feed cursor at a moment: event ids are UUIDv7 (RFC 9562), time-ordered by their first 48 bits of Unix
 * milliseconds, so the smallest id of that millisecond reads the events after it.
 * @param {number} ms
 */
export function eventIdAt(ms) {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}
