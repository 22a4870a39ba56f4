// collect_diagnostics: the agent gathers OS, load, memory and disk facts; the output is the product, so more of it is kept.
import { z } from "zod";
import { runOnAgent } from "./agent-call.js";
import type { OperationKind } from "./kind.js";

export const collectDiagnostics: OperationKind = {
  type: "collect_diagnostics",
  parameters: z.object({}).strict(),
  outputLimitBytes: 32 * 1024,
  run: (ctx, server, request) => runOnAgent(ctx, server, "collect_diagnostics", request),
};
