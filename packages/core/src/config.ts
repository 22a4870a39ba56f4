// Fleetplane's settings, validated once at start-up; entry points read the environment here and nowhere else.
import { z } from "zod";

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const FleetConfig = z.object({
  /** `production` refuses plain-http and link-local agent URLs; `development` allows http for local agents. */
  mode: z.enum(["production", "development"]).default("production"),
  tableName: z.string().min(3),
  /** Request bodies above this are refused with 413. */
  maxBodyBytes: z.coerce.number().int().positive().default(256 * 1024),
  retention: z
    .object({
      healthChecksSeconds: seconds(30 * 24 * 3600),
      auditSeconds: seconds(365 * 24 * 3600),
    })
    .default({ healthChecksSeconds: 30 * 24 * 3600, auditSeconds: 365 * 24 * 3600 }),
});
export type FleetConfig = z.infer<typeof FleetConfig>;

/** Builds the configuration from environment variables, failing with every problem listed at once. */
export function configFromEnv(env: Record<string, string | undefined>, overrides: Partial<FleetConfig> = {}): FleetConfig {
  const parsed = FleetConfig.safeParse({
    mode: env.FLEETPLANE_MODE,
    tableName: env.FLEETPLANE_TABLE_NAME,
    maxBodyBytes: env.FLEETPLANE_MAX_BODY_BYTES,
    ...overrides,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
    throw new Error(`Fleetplane configuration is invalid:\n${problems}`);
  }
  return parsed.data;
}
