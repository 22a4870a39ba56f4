// Deployment settings in one place: stage policy, Lambda defaults, API throttling, event delivery tuning.
import type { App } from "sst/constructs";
import { LAMBDA_RUNTIME, NODEJS_BUNDLING } from "./bundling.js";

/** Stages whose data must survive `sst remove` and stack replacement. */
const PRODUCTION_STAGES = new Set(["prod", "production"]);

export function isProductionStage(stage: string): boolean {
  return PRODUCTION_STAGES.has(stage);
}

/**
 * Applied to every Lambda in the app, before any stack is added (SST requires that order).
 * ARM is cheaper per GB-second and the code has no native modules.
 */
export function applyAppDefaults(app: App): void {
  app.setDefaultFunctionProps({
    runtime: LAMBDA_RUNTIME,
    architecture: "arm_64",
    // ESM, minified, with source maps, the AWS SDK left to the runtime (stacks/bundling.ts; tests load the same build).
    nodejs: { ...NODEJS_BUNDLING, esbuild: { external: [...NODEJS_BUNDLING.esbuild.external] } },
    logRetention: isProductionStage(app.stage) ? "one_year" : "one_month",
  });
  // Development and test stages clean up after themselves on `sst remove`; production stages keep
  // each resource's own policy (the table and the key are retained, see Storage).
  if (!isProductionStage(app.stage)) app.setDefaultRemovalPolicy("destroy");
}

/** The Hono API function. 29 s is API Gateway's integration ceiling; a longer timeout would never be seen. */
export const API_FUNCTION = {
  memorySize: "512 MB",
  timeout: "29 seconds",
} as const;

/**
 * HTTP API default route throttling (per stage, all clients together): steady requests per second
 * and the burst bucket above it. API Gateway answers 429 beyond it, before Lambda is invoked.
 */
export const API_THROTTLE = {
  rate: 100,
  burst: 200,
} as const;

/** Browsers may cache a CORS preflight this long, so the console does not pay one per request. */
export const API_CORS_MAX_AGE = "1 day";

/**
 * Outbox delivery from the table's stream. EventBridge takes 10 entries per PutEvents, so a batch of
 * 100 is at most 10 calls. Records keep being retried (bisected on error to isolate a poison record)
 * until `retryAttempts`, then go to the dead-letter queue, so nothing is lost silently.
 */
export const OUTBOX_DELIVERY = {
  batchSize: 100,
  retryAttempts: 10,
  /** Delivery may lag by this much when a batch is not full; keeps Lambda invocations few. */
  maxBatchingWindowSeconds: 1,
  deadLetterRetentionDays: 14,
  memorySize: "256 MB",
  timeout: "30 seconds",
} as const;

/** Fleet events kept in the bus archive, so subscribers added later (or after an outage) can replay. */
export const EVENT_ARCHIVE_RETENTION_DAYS = 30;
