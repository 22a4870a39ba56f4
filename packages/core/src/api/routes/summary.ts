// /summary: the fleet summary, read from the organization's summary item (never a scan).
import { createRoute, z } from "@hono/zod-openapi";
import { fleetSummary } from "../../summary/fleet-summary.js";
import { errorResponses, json, router } from "../env.js";

export const summary = router();

const Counts = z.record(z.string(), z.number());
export const FleetSummary = z
  .object({
    total_servers: z.number(),
    by_status: Counts,
    by_health: Counts,
    by_region: Counts,
    by_environment: Counts,
    generated_at: z.string(),
  })
  .passthrough()
  .openapi("FleetSummary");

summary.openapi(
  createRoute({
    method: "get",
    path: "/summary",
    tags: ["summary"],
    summary: "Fleet summary",
    operationId: "getSummary",
    responses: { 200: json(FleetSummary), ...errorResponses },
  }),
  async (c) => c.json(await fleetSummary(c.get("ctx"), c.get("caller").organizationId), 200),
);
