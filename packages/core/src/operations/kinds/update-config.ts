// update_config: the agent applies configuration values (and may reload the services that read them).
import { z } from "zod";
import { runOnAgent } from "./agent-call.js";
import type { OperationKind } from "./kind.js";

export const updateConfig: OperationKind = {
  type: "update_config",
  parameters: z
    .object({
      config: z
        .record(z.string(), z.unknown())
        .refine((c) => Object.keys(c).length > 0, "name at least one setting")
        .refine((c) => JSON.stringify(c).length <= 16_384, "config must serialize to at most 16 KiB"),
      reload: z.boolean().optional(),
    })
    .strict(),
  outputLimitBytes: 4 * 1024,
  run: (ctx, server, request) => runOnAgent(ctx, server, "update_config", request),
};
