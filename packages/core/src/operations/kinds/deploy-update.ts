// deploy_update: the agent deploys a version of the application.
import { z } from "zod";
import { runOnAgent } from "./agent-call.js";
import type { OperationKind } from "./kind.js";

export const deployUpdate: OperationKind = {
  type: "deploy_update",
  parameters: z
    .object({
      version: z.string().regex(/^[\w.+-]{1,64}$/, "versions are letters, digits and . + - _ (at most 64)"),
      artifact_url: z
        .url({ protocol: /^https$/ })
        .max(2048)
        .optional(),
    })
    .strict(),
  outputLimitBytes: 4 * 1024,
  run: (ctx, server, request) => runOnAgent(ctx, server, "deploy_update", request),
};
