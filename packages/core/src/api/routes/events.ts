// /events: the organization's fleet event feed (viewer). The local runtime adds /events/stream (Server-Sent Events).
import { createRoute, z } from "@hono/zod-openapi";
import { EventFeedPage, EventFeedQuery, listEvents } from "../../events/event-feed.js";
import { errorResponses, json, router } from "../env.js";

export const events = router();

events.openapi(
  createRoute({
    method: "get",
    path: "/events",
    operationId: "listEvents",
    tags: ["events"],
    summary: "The organization's fleet events of the feed window, oldest first",
    request: { query: EventFeedQuery },
    responses: { 200: json(EventFeedPage), ...errorResponses },
  }),
  async (c) => c.json(await listEvents(c.get("ctx"), c.get("caller").organizationId, c.req.valid("query")), 200),
);

/** GET /events/stream, defined here with the feed; the local runtime serves it (API Gateway cannot hold a stream open). */
export const eventStreamRoute = createRoute({
  method: "get",
  path: "/events/stream",
  operationId: "streamEvents",
  tags: ["events"],
  summary: "The event feed as Server-Sent Events (local runtime); Last-Event-ID resumes",
  request: { query: EventFeedQuery.omit({ limit: true }) },
  responses: {
    200: { description: "text/event-stream of fleet events", content: { "text/event-stream": { schema: z.string() } } },
    ...errorResponses,
  },
});
