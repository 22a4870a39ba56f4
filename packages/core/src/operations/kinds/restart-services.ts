// restart_services: the agent restarts the named services.
import { z } from "zod";
import { runOnAgent } from "./agent-call.js";
import type { OperationKind } from "./kind.js";

const ServiceName = z.string().regex(/^[A-Za-z0-9@._:-]{1,128}$/, "service names are letters, digits and @ . _ : - (at most 128)");

export const restartServices: OperationKind = {
  type: "restart_services",
  parameters: z.object({ services: z.array(ServiceName).min(1).max(50) }).strict(),
  outputLimitBytes: 4 * 1024,
  run: (ctx, server, request) => runOnAgent(ctx, server, "restart_services", request),
};
