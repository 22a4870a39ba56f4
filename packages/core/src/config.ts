// Fleetplane's settings, validated once at start-up; entry points read the environment here and nowhere else.
import en from "zod/v4/locales/en.js";
import {
  _default,
  coerce,
  config,
  enum as oneOf,
  gte,
  int,
  lte,
  minLength,
  object,
  optional,
  positive,
  prefault,
  refine,
  startsWith,
  string,
  url,
  type output,
} from "zod/mini";

// zod's tree-shakable form: every function imports this module at cold start, and the full zod (with its JSON
// Schema and OpenAPI support) loads only with the API's routers. Each setting's checks go on in one `check()`.
// Its error messages are zod's English ones, which the full zod registers itself when it loads.
config(en());
const seconds = (fallback: number) => _default(coerce.number().check(int(), positive()), fallback);
const count = (fallback: number, min = 1, max = 100_000) => _default(coerce.number().check(int(), gte(min), lte(max)), fallback);
const percent = (fallback: number) => _default(coerce.number().check(gte(0), lte(100)), fallback);

export const ProbeSettings = object({
  healthIntervalSeconds: count(30, 5, 3600),
  metricsIntervalSeconds: count(60, 5, 3600),
  /** Consecutive failed checks after which a server is `unreachable`. */
  unreachableAfterFailures: count(2, 1, 100),
  /** A failing server is probed with exponential backoff from the health interval up to this. */
  backoffMaxSeconds: count(300, 5, 86_400),
  /** The server item is rewritten at least this often while nothing changes (last_seen_at freshness). */
  heartbeatSeconds: count(900, 30, 86_400),
  /** Agent calls in flight at once in one probe worker. */
  concurrency: count(50, 1, 1_000),
  /** Servers per probe batch (one worker invocation); a probe group is never split. */
  batchSize: count(100, 1, 5_000),
  requestTimeoutMs: count(5_000, 100, 60_000),
  /** Minutes of the agent's buffer taken on a server's first collection (later polls backfill from the cursor). */
  initialBackfillMinutes: count(15, 1, 1_440),
  /** POST /health-check/all answers synchronously up to this many active servers, 202 with progress above. */
  syncCheckLimit: count(50, 0, 10_000),
  /** GET /summary reuses the probe states and latest metrics it read for this long in one process (0: read every time). */
  summaryFiguresSeconds: count(5, 0, 300),
  /** The SQS queue of probe batches (AWS); the local runtime runs batches in-process. */
  queueUrl: optional(url()),
}).check(
  refine((p) => p.metricsIntervalSeconds % p.healthIntervalSeconds === 0, {
    message: "metricsIntervalSeconds must be a multiple of healthIntervalSeconds",
    path: ["metricsIntervalSeconds"],
  }),
  refine((p) => p.backoffMaxSeconds >= p.healthIntervalSeconds, {
    message: "backoffMaxSeconds must be at least healthIntervalSeconds",
    path: ["backoffMaxSeconds"],
  }),
);
export type ProbeSettings = output<typeof ProbeSettings>;

export const MetricsRetention = object({
  "1m": seconds(7 * 24 * 3600),
  "5m": seconds(30 * 24 * 3600),
  "1h": seconds(400 * 24 * 3600),
  "1d": seconds(5 * 365 * 24 * 3600),
});
export type MetricsRetention = output<typeof MetricsRetention>;

export const AlertSettings = object({
  /** `unreachable` for longer than this raises an alert. */
  unreachableForSeconds: count(300, 0, 86_400),
  cpuPercent: percent(90),
  memoryPercent: percent(90),
  diskPercent: percent(90),
  /** A resource alert needs this many consecutive points above its threshold (and clears after as many below). */
  consecutivePoints: count(3, 1, 1_440),
  /** An open resource alert clears only on points this many percentage points under its threshold (hysteresis). */
  clearMarginPercent: percent(5),
  /** Failed services on a server at or above this raise an alert. */
  failedServices: count(1, 1, 10_000),
  /** Resolved alerts stay listed (GET /alerts?state=resolved) for this many days. */
  resolvedRetentionDays: count(7, 1, 400),
});
export type AlertSettings = output<typeof AlertSettings>;

export const EventSettings = object({
  /** GET /events serves this many days of an organization's events (outbox items are kept 7 days, so at most 7). */
  feedDays: count(7, 1, 7),
});
export type EventSettings = output<typeof EventSettings>;

export const WebhookSettings = object({
  /** An attempt that has not answered 2xx within this is a failure. */
  timeoutMs: count(10_000, 100, 30_000),
  /** First retry delay; each later one doubles (with jitter) up to `retryMaxMs`. */
  retryBaseMs: count(30_000, 10, 3_600_000),
  retryMaxMs: count(3_600_000, 10, 86_400_000),
  /** A delivery is retried for this long after its event, then dead-lettered (redeliverable by the API). */
  retryForMs: count(25 * 3_600_000, 100, 7 * 86_400_000),
  /** Deliveries (and dead letters) are listed and redeliverable for this long. */
  deliveryRetentionSeconds: count(7 * 86_400, 60, 30 * 86_400),
  /** Webhooks one organization may have. */
  maxPerOrganization: count(20, 1, 1_000),
}).check(
  refine((w) => w.retryMaxMs >= w.retryBaseMs, { message: "retryMaxMs must be at least retryBaseMs", path: ["retryMaxMs"] }),
  refine((w) => w.deliveryRetentionSeconds * 1000 > w.retryForMs, {
    message: "deliveryRetentionSeconds must outlast retryForMs",
    path: ["deliveryRetentionSeconds"],
  }),
);
export type WebhookSettings = output<typeof WebhookSettings>;

export const FleetConfig = object({
  /** `production` refuses plain-http and link-local agent URLs; `development` allows http for local agents. */
  mode: _default(oneOf(["production", "development"]), "production"),
  tableName: string().check(minLength(3)),
  /** How long a process trusts an API key it has looked up; revocation elsewhere takes effect within this. 0 disables. */
  apiKeyCacheSeconds: count(10, 0, 300),
  /**
   * How long a process reuses the summary counts it read, unless it wrote to the table since (then it reads
   * again). Other processes' changes show within this, as an eventually consistent read's would. 0 disables.
   */
  summaryCountsSeconds: _default(coerce.number().check(gte(0), lte(60)), 1),
  /** Request bodies above this are refused with 413. */
  maxBodyBytes: _default(coerce.number().check(int(), positive()), 256 * 1024),
  retention: _default(
    object({
      healthChecksSeconds: seconds(30 * 24 * 3600),
      auditSeconds: seconds(365 * 24 * 3600),
    }),
    { healthChecksSeconds: 30 * 24 * 3600, auditSeconds: 365 * 24 * 3600 },
  ),
  /** Bulk operations (docs/operations.md). */
  operations: _default(
    object({
      /** The Step Functions state machine that drives operations (AWS); the local runtime runs the same definition in-process. */
      stateMachineArn: optional(string().check(startsWith("arn:"))),
      /** Servers one operation may target; the Map's item list must stay within Step Functions' 256 KiB payload. */
      maxTargets: count(10_000, 1, 25_000),
      /** Servers one operation runs at once at most: a larger max_concurrency is lowered to this (the deploy sets it). */
      maxServersInFlight: count(1_000, 1, 1_000),
      /** Operations and their per-server progress are kept this long after creation. */
      retentionSeconds: seconds(365 * 24 * 3600),
    }),
    { maxTargets: 10_000, maxServersInFlight: 1_000, retentionSeconds: 365 * 24 * 3600 },
  ),
  /** Health and metrics probing (docs/probes.md has the table of settings). */
  probes: prefault(ProbeSettings, {}),
  /** How long metrics points are kept, per period. */
  metricsRetention: prefault(MetricsRetention, {}),
  /** Alert rules' thresholds. */
  alerts: prefault(AlertSettings, {}),
  /** The event feed (docs/events.md). */
  events: prefault(EventSettings, {}),
  /** Webhook delivery (docs/webhooks.md). */
  webhooks: prefault(WebhookSettings, {}),
});
export type FleetConfig = output<typeof FleetConfig>;

/** Settings given in code (tests, the local runtime); nested groups may be partial, defaults fill the rest. */
export type ConfigOverrides = Partial<Omit<FleetConfig, "probes" | "metricsRetention" | "alerts" | "events" | "webhooks">> & {
  events?: Partial<EventSettings>;
  webhooks?: Partial<WebhookSettings>;
  probes?: Partial<ProbeSettings>;
  metricsRetention?: Partial<MetricsRetention>;
  alerts?: Partial<AlertSettings>;
};

/** Builds the configuration from environment variables, failing with every problem listed at once. */
export function configFromEnv(env: Record<string, string | undefined>, overrides: ConfigOverrides = {}): FleetConfig {
  const settings = {
    mode: env.FLEETPLANE_MODE,
    tableName: env.FLEETPLANE_TABLE_NAME,
    maxBodyBytes: env.FLEETPLANE_MAX_BODY_BYTES,
    apiKeyCacheSeconds: env.FLEETPLANE_API_KEY_CACHE_SECONDS,
    summaryCountsSeconds: env.FLEETPLANE_SUMMARY_COUNTS_SECONDS,
    operations: {
      stateMachineArn: env.FLEETPLANE_STATE_MACHINE_ARN || undefined,
      maxTargets: env.FLEETPLANE_OPERATION_MAX_TARGETS,
      maxServersInFlight: env.FLEETPLANE_OPERATION_MAX_SERVERS_IN_FLIGHT,
      retentionSeconds: env.FLEETPLANE_OPERATION_RETENTION_SECONDS,
    },
    ...overrides,
    probes: {
      ...definedOnly({
        healthIntervalSeconds: env.FLEETPLANE_HEALTH_INTERVAL_SECONDS,
        metricsIntervalSeconds: env.FLEETPLANE_METRICS_INTERVAL_SECONDS,
        unreachableAfterFailures: env.FLEETPLANE_UNREACHABLE_AFTER_FAILURES,
        backoffMaxSeconds: env.FLEETPLANE_PROBE_BACKOFF_MAX_SECONDS,
        heartbeatSeconds: env.FLEETPLANE_PROBE_HEARTBEAT_SECONDS,
        concurrency: env.FLEETPLANE_PROBE_CONCURRENCY,
        batchSize: env.FLEETPLANE_PROBE_BATCH_SIZE,
        requestTimeoutMs: env.FLEETPLANE_AGENT_TIMEOUT_MS,
        queueUrl: env.FLEETPLANE_PROBE_QUEUE_URL || undefined,
        summaryFiguresSeconds: env.FLEETPLANE_SUMMARY_FIGURES_SECONDS,
      }),
      ...overrides.probes,
    },
    metricsRetention: {
      ...definedOnly({
        "1m": env.FLEETPLANE_METRICS_RETENTION_1M_SECONDS,
        "5m": env.FLEETPLANE_METRICS_RETENTION_5M_SECONDS,
        "1h": env.FLEETPLANE_METRICS_RETENTION_1H_SECONDS,
        "1d": env.FLEETPLANE_METRICS_RETENTION_1D_SECONDS,
      }),
      ...overrides.metricsRetention,
    },
    events: { ...definedOnly({ feedDays: env.FLEETPLANE_EVENT_FEED_DAYS }), ...overrides.events },
    webhooks: {
      ...definedOnly({
        timeoutMs: env.FLEETPLANE_WEBHOOK_TIMEOUT_MS,
        retryBaseMs: env.FLEETPLANE_WEBHOOK_RETRY_BASE_MS,
        retryMaxMs: env.FLEETPLANE_WEBHOOK_RETRY_MAX_MS,
        retryForMs: env.FLEETPLANE_WEBHOOK_RETRY_FOR_MS,
        deliveryRetentionSeconds: env.FLEETPLANE_WEBHOOK_DELIVERY_RETENTION_SECONDS,
        maxPerOrganization: env.FLEETPLANE_WEBHOOKS_PER_ORGANIZATION,
      }),
      ...overrides.webhooks,
    },
    alerts: {
      ...definedOnly({
        unreachableForSeconds: env.FLEETPLANE_ALERT_UNREACHABLE_SECONDS,
        cpuPercent: env.FLEETPLANE_ALERT_CPU_PERCENT,
        memoryPercent: env.FLEETPLANE_ALERT_MEMORY_PERCENT,
        diskPercent: env.FLEETPLANE_ALERT_DISK_PERCENT,
        consecutivePoints: env.FLEETPLANE_ALERT_CONSECUTIVE_POINTS,
        clearMarginPercent: env.FLEETPLANE_ALERT_CLEAR_MARGIN_PERCENT,
        failedServices: env.FLEETPLANE_ALERT_FAILED_SERVICES,
        resolvedRetentionDays: env.FLEETPLANE_ALERT_RESOLVED_RETENTION_DAYS,
      }),
      ...overrides.alerts,
    },
  };
  // Parsed once per process: the compiled fast path zod builds for an object on its first parse costs more than it saves here.
  const parsed = FleetConfig.safeParse(settings, { jitless: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
    throw new Error(`Fleetplane configuration is invalid:\n${problems}`);
  }
  return parsed.data;
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
