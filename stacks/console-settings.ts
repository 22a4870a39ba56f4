// Deploy-time settings of the console site (custom domain and certificate, access logs), read from the environment of
// `sst deploy` and validated once, with every problem reported together.
import { isProductionStage } from "./settings.js";

export interface ConsoleSiteSettings {
  /**
   * A custom domain for the console (console.example.com) and its ACM certificate (in us-east-1, covering the
   * domain). Only with a certificate of its own can CloudFront enforce TLS 1.2 (TLSv1.2_2021); the default
   * *.cloudfront.net certificate accepts whatever CloudFront's default policy allows.
   */
  domain: { name: string; certificateArn: string } | undefined;
  /** S3 server access logs and CloudFront standard logs into one bucket, kept this many days. */
  accessLogs: { retentionDays: number } | undefined;
}

export const CONSOLE_SETTING_VARIABLES = {
  domain: "FLEETPLANE_CONSOLE_DOMAIN",
  certificateArn: "FLEETPLANE_CONSOLE_CERTIFICATE_ARN",
  accessLogs: "FLEETPLANE_CONSOLE_ACCESS_LOGS",
  accessLogDays: "FLEETPLANE_CONSOLE_ACCESS_LOG_DAYS",
} as const;

/** Access logs are on for production stages and off elsewhere unless FLEETPLANE_CONSOLE_ACCESS_LOGS says otherwise. */
export const DEFAULT_CONSOLE_ACCESS_LOG_DAYS = 90;

export function consoleSiteSettings(stage: string, env: Record<string, string | undefined> = process.env): ConsoleSiteSettings {
  const v = CONSOLE_SETTING_VARIABLES;
  const problems: string[] = [];
  const domainName = env[v.domain]?.trim() || undefined;
  const certificateArn = env[v.certificateArn]?.trim() || undefined;
  if (domainName && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domainName)) {
    problems.push(`${v.domain} must be a lowercase DNS name such as console.example.com (got "${domainName}")`);
  }
  if (certificateArn && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/.test(certificateArn)) {
    problems.push(
      `${v.certificateArn} must be an ACM certificate ARN in us-east-1, where CloudFront reads certificates (got "${certificateArn}")`,
    );
  }
  if (Boolean(domainName) !== Boolean(certificateArn))
    problems.push(`${v.domain} and ${v.certificateArn} go together: set both or neither`);

  const rawLogs = env[v.accessLogs]?.trim().toLowerCase();
  if (rawLogs && !["on", "off"].includes(rawLogs)) problems.push(`${v.accessLogs} must be "on" or "off" (got "${rawLogs}")`);
  const logsOn = rawLogs ? rawLogs === "on" : isProductionStage(stage);
  const rawDays = env[v.accessLogDays]?.trim();
  const days = rawDays ? Number(rawDays) : DEFAULT_CONSOLE_ACCESS_LOG_DAYS;
  if (!Number.isInteger(days) || days < 1) problems.push(`${v.accessLogDays} must be a whole number of days (got "${rawDays}")`);

  if (problems.length > 0) throw new Error(`Fleetplane console settings are invalid:\n  ${problems.join("\n  ")}`);
  return {
    domain: domainName && certificateArn ? { name: domainName, certificateArn } : undefined,
    accessLogs: logsOn ? { retentionDays: days } : undefined,
  };
}
