// Deployment settings in one place: stage policy, Lambda defaults, API throttling, event delivery tuning.
import type { App } from "sst/constructs";
import { LAMBDA_RUNTIME, NODEJS_BUNDLING } from "./bundling.js";
import { addFunctionLogGroups } from "./log-groups.js";
import { logLevelFrom } from "../packages/core/src/observability/telemetry.js";

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
    // ESM, minified, with source maps, the AWS SDK bundled lean (stacks/bundling.ts; tests load the same build).
    nodejs: { ...NODEJS_BUNDLING, esbuild: { ...NODEJS_BUNDLING.esbuild, external: [...NODEJS_BUNDLING.esbuild.external] } },
    // FLEETPLANE_LOG_LEVEL at deploy time sets every function's level, validated now rather than at a cold start.
    environment: { FLEETPLANE_LOG_LEVEL: logLevelFrom(process.env) },
  });
  // Every function logs to a log group of its own with the retention setting (stacks/log-groups.ts).
  addFunctionLogGroups(app, isProductionStage(app.stage));
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

/**
 * Webhook delivery in AWS. The function records and attempts each event's deliveries (an attempt waits up to
 * 10 s for the receiver), so a batch of 10 events finishes well within the timeout. Events whose fan-out
 * failed `maxReceiveCount` times are kept in the dead-letter queue. Retry timing itself is a domain setting
 * (FLEETPLANE_WEBHOOK_*; docs/webhooks.md).
 */
export const WEBHOOK_DELIVERY = {
  batchSize: 10,
  timeoutSeconds: 60,
  maxReceiveCount: 5,
  deadLetterRetentionDays: 14,
  memorySize: "256 MB",
} as const;

/**
 * Who else may consume the fleet bus, read from the deploying shell's environment (validated here):
 * - FLEETPLANE_EVENT_SUBSCRIBER_ACCOUNTS: AWS account ids (comma-separated) allowed to create rules on the bus;
 * - FLEETPLANE_EVENT_SUBSCRIBER_ORGANIZATION: an AWS Organizations id (o-...) whose accounts may do the same;
 * - FLEETPLANE_EVENT_FORWARD_BUS_ARNS: event bus ARNs in other accounts that receive every fleet event;
 * - FLEETPLANE_NOTIFICATION_EMAIL: when set, the Notifications stack mails alerts and finished bulk operations.
 */
export interface EventSharing {
  accounts: string[];
  organizationId: string | undefined;
  forwardBusArns: string[];
  notificationEmail: string | undefined;
}

export function eventSharingFromEnv(env: Record<string, string | undefined> = process.env): EventSharing {
  const list = (value: string | undefined) =>
    (value ?? "")
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
  const problems: string[] = [];
  const accounts = list(env.FLEETPLANE_EVENT_SUBSCRIBER_ACCOUNTS);
  for (const a of accounts)
    if (!/^\d{12}$/.test(a)) problems.push(`FLEETPLANE_EVENT_SUBSCRIBER_ACCOUNTS: ${a} is not a 12-digit account id`);
  const organizationId = env.FLEETPLANE_EVENT_SUBSCRIBER_ORGANIZATION?.trim() || undefined;
  if (organizationId && !/^o-[a-z0-9]{10,32}$/.test(organizationId)) {
    problems.push(`FLEETPLANE_EVENT_SUBSCRIBER_ORGANIZATION: ${organizationId} is not an AWS Organizations id (o-...)`);
  }
  const forwardBusArns = list(env.FLEETPLANE_EVENT_FORWARD_BUS_ARNS);
  for (const arn of forwardBusArns) {
    if (!/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]+$/.test(arn)) {
      problems.push(`FLEETPLANE_EVENT_FORWARD_BUS_ARNS: ${arn} is not an event bus ARN`);
    }
  }
  const notificationEmail = env.FLEETPLANE_NOTIFICATION_EMAIL?.trim() || undefined;
  if (notificationEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(notificationEmail)) {
    problems.push(`FLEETPLANE_NOTIFICATION_EMAIL: ${notificationEmail} is not an email address`);
  }
  if (problems.length > 0) throw new Error(`Fleetplane deployment settings are invalid:\n  ${problems.join("\n  ")}`);
  return { accounts, organizationId, forwardBusArns, notificationEmail };
}
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
