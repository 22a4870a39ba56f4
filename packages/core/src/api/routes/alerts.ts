// /alerts: open and recently resolved alerts of the organization's servers (viewer).
import { createRoute, z } from "@hono/zod-openapi";
import { AlertListQuery, AlertRecord, forgetOpenAlerts, listAlerts } from "../../probes/alert-records.js";
import { onServerDecommissioned, onServerPurged } from "../../servers/registry.js";
import { errorResponses, json, router } from "../env.js";

export const alerts = router();

// The API is where servers leave the fleet; their open alerts leave the list with them.
onServerDecommissioned(forgetOpenAlerts);
onServerPurged(forgetOpenAlerts);

alerts.openapi(
  createRoute({
    method: "get",
    path: "/alerts",
    operationId: "listAlerts",
    tags: ["alerts"],
    summary: "Open alerts (by server) or recently resolved alerts (newest first)",
    request: { query: AlertListQuery },
    responses: {
      200: json(z.object({ items: z.array(AlertRecord), next_cursor: z.string().nullable() }).openapi("AlertList")),
      ...errorResponses,
    },
  }),
  async (c) => c.json(await listAlerts(c.get("ctx"), c.get("caller").organizationId, c.req.valid("query")), 200),
);
