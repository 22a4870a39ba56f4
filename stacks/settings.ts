// Deployment settings in one place: stage policy, Lambda defaults, API throttling, event delivery tuning.
import type { App } from "sst/constructs";

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
    runtime: "nodejs24.x",
    architecture: "arm_64",
    // ESM output matches the packages (type: module); sourcemaps keep stack traces readable in logs.
    nodejs: { format: "esm", sourcemap: true },
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

// ---------------------------------------------------------------------------------------------------
// Lambda concurrency. Nothing is reserved by default: AWS refuses any reservation that would leave
// fewer than 100 unreserved executions, so an account whose quota is still 10 (new accounts often
// are) could not deploy a stack that reserves even one. Each function is bounded another way, and a
// reservation stays available as an opt-in per function (docs/deploy.md, docs/decisions.md).
// ---------------------------------------------------------------------------------------------------

/** Reserved concurrency per function: `undefined` reserves nothing (the default); a number opts in. */
export interface ReservedConcurrency {
  api?: number;
  probeDispatcher?: number;
  probeWorker?: number;
  runOnServer?: number;
}

export const LAMBDA_CONCURRENCY = {
  /**
   * Probe workers running at once at most: the SQS event source's maximum concurrency (2–1,000), which
   * holds messages in the queue instead of throttling, and reserves nothing.
   */
  probeWorkerMaxConcurrency: 20,
  /**
   * Servers one bulk operation runs at once at most (its Map's MaxConcurrency): a request's
   * max_concurrency above this is lowered to it when the operation is created. With the default account
   * quota of 1,000, two operations at this cap leave 800 executions for the API and probes.
   */
  operationServersInFlight: 100,
  /** Opt-in reservations; only for an account whose quota is well above 100 + the sum reserved. */
  reserved: {} as ReservedConcurrency,
};

// ---------------------------------------------------------------------------------------------------
// Console access logs: S3 server access logs and CloudFront standard logs of the console, into one
// bucket kept after `sst remove`. On for production stages; development stages skip the extra bucket.
// ---------------------------------------------------------------------------------------------------
export const CONSOLE_ACCESS_LOGS = {
  enabled: (stage: string): boolean => isProductionStage(stage),
  retentionDays: 90,
};
