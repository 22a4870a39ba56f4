// update_config: the agent applies configuration values (and may reload the services that read them).
import { z } from "zod";
import { runOnAgent } from "./agent-call.js";
import type { OperationKind } from "./kind.js";

const ConfigValue = z.union([z.string(), z.array(z.string()), z.number(), z.boolean()], {
  error: "a setting is a string, a list of strings, a number or a boolean",
});

export const updateConfig: OperationKind = {
  type: "update_config",
  parameters: z
    .object({
      // The agent takes each setting as one of its update_config parameters, which are strings, string lists,
      // numbers or booleans (packages/agent/src/operations/operation-parameters.ts): the same rule here, so a
      // value the agent would refuse is a 400 at the API rather than a failed server.
      config: z
        .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "setting names are letters, digits and _"), ConfigValue)
        .refine((c) => Object.keys(c).length > 0, "name at least one setting")
        .refine((c) => JSON.stringify(c).length <= 16_384, "config must serialize to at most 16 KiB"),
      reload: z.boolean().optional(),
    })
    .strict(),
  outputLimitBytes: 4 * 1024,
  run: (ctx, server, request) => {
    const { config, reload } = request.parameters as { config: Record<string, unknown>; reload?: boolean };
    return runOnAgent(ctx, server, "update_config", { ...request, parameters: { ...config, ...(reload === undefined ? {} : { reload }) } });
  },
};
