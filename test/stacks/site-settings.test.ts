// Deploy-time settings of the console site and of log retention: defaults, and every bad value refused with its variable named.
import { describe, expect, it } from "vitest";
import { consoleSiteSettings, DEFAULT_CONSOLE_ACCESS_LOG_DAYS } from "../../stacks/console-settings.js";
import { DEFAULT_LOG_RETENTION_DAYS, logRetentionDays, sstRetention } from "../../stacks/log-groups.js";

const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0b6f3a2e-5f6c-4b1e-9d55-3f0c1a2b3c4d";

describe("console site settings", () => {
  it("default to no custom domain, with access logs on production stages only", () => {
    expect(consoleSiteSettings("prod", {})).toEqual({ domain: undefined, accessLogs: { retentionDays: DEFAULT_CONSOLE_ACCESS_LOG_DAYS } });
    expect(consoleSiteSettings("dev", {})).toEqual({ domain: undefined, accessLogs: undefined });
  });

  it("take a custom domain with its us-east-1 certificate, and access logs switched either way", () => {
    const env = {
      FLEETPLANE_CONSOLE_DOMAIN: "console.example.com",
      FLEETPLANE_CONSOLE_CERTIFICATE_ARN: CERTIFICATE,
      FLEETPLANE_CONSOLE_ACCESS_LOGS: "on",
      FLEETPLANE_CONSOLE_ACCESS_LOG_DAYS: "30",
    };
    expect(consoleSiteSettings("dev", env)).toEqual({
      domain: { name: "console.example.com", certificateArn: CERTIFICATE },
      accessLogs: { retentionDays: 30 },
    });
    expect(consoleSiteSettings("prod", { FLEETPLANE_CONSOLE_ACCESS_LOGS: "off" }).accessLogs).toBeUndefined();
  });

  it("refuse a domain without a certificate, a certificate outside us-east-1 and unknown switches, naming each variable", () => {
    expect(() => consoleSiteSettings("prod", { FLEETPLANE_CONSOLE_DOMAIN: "console.example.com" })).toThrow(/set both or neither/);
    let message = "";
    try {
      consoleSiteSettings("prod", {
        FLEETPLANE_CONSOLE_DOMAIN: "Console Example",
        FLEETPLANE_CONSOLE_CERTIFICATE_ARN: CERTIFICATE.replace("us-east-1", "eu-west-1"),
        FLEETPLANE_CONSOLE_ACCESS_LOGS: "yes",
        FLEETPLANE_CONSOLE_ACCESS_LOG_DAYS: "0",
      });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const variable of [
      "FLEETPLANE_CONSOLE_DOMAIN",
      "FLEETPLANE_CONSOLE_CERTIFICATE_ARN",
      "FLEETPLANE_CONSOLE_ACCESS_LOGS",
      "FLEETPLANE_CONSOLE_ACCESS_LOG_DAYS",
    ]) {
      expect(message).toContain(variable);
    }
  });
});

describe("log retention setting", () => {
  it("defaults to 30 days and takes any period CloudWatch Logs accepts", () => {
    expect(logRetentionDays({})).toBe(DEFAULT_LOG_RETENTION_DAYS);
    expect(DEFAULT_LOG_RETENTION_DAYS).toBe(30);
    expect(logRetentionDays({ FLEETPLANE_LOG_RETENTION_DAYS: "365" })).toBe(365);
    expect(sstRetention(logRetentionDays({}))).toBe("one_month");
  });

  it("refuses a period CloudWatch Logs does not accept, and never-expire", () => {
    for (const bad of ["31", "0", "-1", "9999", "forever"]) {
      expect(() => logRetentionDays({ FLEETPLANE_LOG_RETENTION_DAYS: bad })).toThrow(/FLEETPLANE_LOG_RETENTION_DAYS must be one of/);
    }
  });
});
