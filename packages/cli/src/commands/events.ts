// fleetplane events tail: prints the organization's fleet events as they happen (GET /events, polled).
import { FleetplaneApiError } from "@fleetplane/client";
import { text, type Command } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { paint } from "../io.js";

/** How often the feed is asked for new events while following. */
export const EVENTS_POLL_MS = 2_000;
const PAGE = 100;

interface FleetEvent {
  id: string;
  "detail-type": string;
  time: string;
  detail?: { data?: Record<string, unknown> };
}
interface EventPage {
  items: FleetEvent[];
  next_cursor: string | null;
}

export const eventsTail: Command = {
  path: ["events", "tail"],
  usage: "[--type T] [--from-start | --after CURSOR] [--no-follow]",
  summary: "Print fleet events as they happen",
  options: { type: { type: "string" }, "from-start": { type: "boolean" }, after: { type: "string" }, "no-follow": { type: "boolean" } },
  help: [
    '--type T           only events of this detail type, e.g. "Server Health Changed"',
    "--from-start       print the events already kept first (default: only new ones)",
    "--after CURSOR     start after this cursor (a printed event's id)",
    "--no-follow        print the events kept and stop",
    "--json             one JSON event per line (EventBridge shape)",
    "Exits 3 when the API has no event feed.",
  ],
  examples: [
    'fleetplane events tail --type "Server Health Changed"',
    "fleetplane events tail --from-start --no-follow --json | jq -r '.\"detail-type\"'",
  ],
  async run(ctx) {
    const client = ctx.client();
    const type = text(ctx.values, "type");
    const follow = !ctx.values["no-follow"];
    let after = text(ctx.values, "after");
    const page = (cursor: string | undefined) =>
      client.request<EventPage>("GET", "/api/v1/fleet/events", { query: { after: cursor, detail_type: type, limit: PAGE } });

    const print = (event: FleetEvent) => {
      if (ctx.mode.json) ctx.io.stdout.write(`${JSON.stringify(event)}\n`);
      else
        ctx.print(
          `${paint(ctx.mode, "dim", event.time)}  ${paint(ctx.mode, "bold", event["detail-type"])}  ${describe(event)}  ${paint(ctx.mode, "dim", event.id)}`,
        );
    };
    /** Reads to the end of the feed from `after`, printing or skipping; returns the cursor to continue from. */
    const drain = async (show: boolean) => {
      for (;;) {
        const body = await page(after);
        for (const event of body.items) if (show) print(event);
        const last = body.items[body.items.length - 1];
        after = body.next_cursor ?? last?.id ?? after;
        if (!body.next_cursor || body.items.length === 0) return;
      }
    };

    try {
      await drain(Boolean(ctx.values["from-start"]) || Boolean(after) || !follow);
    } catch (error) {
      if (error instanceof FleetplaneApiError && error.status === 404) {
        ctx.io.stderr.write("error: the event feed is unavailable on this API (GET /api/v1/fleet/events answered 404)\n");
        return EXIT.api;
      }
      throw error;
    }
    if (!follow) return EXIT.ok;
    ctx.note(`following events${type ? ` of type ${type}` : ""}; Ctrl-C stops`);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, EVENTS_POLL_MS));
      await drain(true);
    }
  },
};

/** A short line from an event's data: the names and statuses most events carry. */
function describe(event: FleetEvent): string {
  const data = event.detail?.data ?? {};
  const picks = ["server_name", "name", "operation_type", "status", "previous_status", "health_status", "rule", "severity"];
  return picks
    .filter((k) => data[k] !== undefined && data[k] !== null)
    .map((k) => `${k}=${String(data[k])}`)
    .join(" ");
}
