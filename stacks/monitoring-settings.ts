// Deploy-time settings of monitoring (alarm thresholds, the alarm e-mail), read from the environment of
// `sst deploy` and validated once, with every problem reported together.

export interface MonitoringSettings {
  /** An address subscribed to the alarm topic (it must confirm the subscription e-mail). */
  alarmEmail: string | undefined;
  /** Length of one alarm evaluation period. */
  alarmPeriodMinutes: number;
  /** The outbox stream's oldest unprocessed record may be this old before paging. */
  iteratorAgeSeconds: number;
  /** Probe cycle lag (p99) that pages: two health intervals of 30 s. */
  probeLagSeconds: number;
  /** Unprobed servers in one period that page. */
  unprobedServers: number;
  /** API 5xx share of requests (percent) that pages, over two periods. */
  api5xxPercent: number;
  /** API p99 latency (ms) that pages, over three periods. */
  apiP99LatencyMs: number;
  /** Failed invocations of one function in one period that page. */
  lambdaErrors: number;
}

/** Each numeric setting: its environment variable and default. */
const NUMERIC = {
  alarmPeriodMinutes: ["FLEETPLANE_ALARM_PERIOD_MINUTES", 5],
  iteratorAgeSeconds: ["FLEETPLANE_ALARM_ITERATOR_AGE_SECONDS", 300],
  probeLagSeconds: ["FLEETPLANE_ALARM_PROBE_LAG_SECONDS", 60],
  unprobedServers: ["FLEETPLANE_ALARM_UNPROBED_SERVERS", 1],
  api5xxPercent: ["FLEETPLANE_ALARM_API_5XX_PERCENT", 1],
  apiP99LatencyMs: ["FLEETPLANE_ALARM_API_P99_MS", 2000],
  lambdaErrors: ["FLEETPLANE_ALARM_LAMBDA_ERRORS", 1],
} as const satisfies Record<Exclude<keyof MonitoringSettings, "alarmEmail">, readonly [string, number]>;

export const ALARM_EMAIL_VARIABLE = "FLEETPLANE_ALARM_EMAIL";

export function monitoringSettings(env: Record<string, string | undefined>): MonitoringSettings {
  const problems: string[] = [];
  const numbers = Object.fromEntries(
    Object.entries(NUMERIC).map(([key, [variable, fallback]]) => {
      const raw = env[variable];
      if (raw === undefined || raw === "") return [key, fallback];
      const value = Number(raw);
      if (!Number.isFinite(value) || value <= 0) problems.push(`${variable} must be a positive number (got "${raw}")`);
      return [key, value];
    }),
  ) as Omit<MonitoringSettings, "alarmEmail">;
  const alarmEmail = env[ALARM_EMAIL_VARIABLE] || undefined;
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    problems.push(`${ALARM_EMAIL_VARIABLE} must be an e-mail address (got "${alarmEmail}")`);
  }
  if (problems.length > 0) throw new Error(`invalid monitoring settings: ${problems.join("; ")}`);
  return { alarmEmail, ...numbers };
}
