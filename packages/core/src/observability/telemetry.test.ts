// Telemetry writes JSON log lines with correlation fields, readable lines on a terminal, and EMF metrics.
import { afterEach, expect, test, vi } from "vitest";
import { FLEET_METRICS_NAMESPACE } from "./fleet-metrics.js";
import { Telemetry } from "./telemetry.js";

/** Everything written to stdout while `run` runs, one entry per line. */
function stdoutOf(run: () => void): string[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lines;
}
afterEach(() => vi.restoreAllMocks());

test("a log line is one JSON object with service, stage, level and the correlation fields", () => {
  const lines: string[] = [];
  const telemetry = new Telemetry({ service: "probe-worker", stage: "prod", logLevel: "INFO", write: (l) => lines.push(l) });
  telemetry.correlate({ organization_id: "org-1", probe_batch_id: "batch-7", operation_id: undefined });
  telemetry.logger.warn("stale probe batch dropped", { age_ms: 61_000 });
  const [line] = lines;
  expect(JSON.parse(line!)).toMatchObject({
    level: "WARN",
    message: "stale probe batch dropped",
    service: "probe-worker",
    stage: "prod",
    organization_id: "org-1",
    probe_batch_id: "batch-7",
    age_ms: 61_000,
  });
  expect(JSON.parse(line!)).not.toHaveProperty("operation_id");

  telemetry.clearCorrelation();
  telemetry.logger.info("next");
  const after = lines[1];
  expect(JSON.parse(after!)).not.toHaveProperty("organization_id");
});

test("below the configured level nothing is written", () => {
  const lines: string[] = [];
  const telemetry = new Telemetry({ service: "api", stage: "prod", logLevel: "WARN", write: (l) => lines.push(l) });
  telemetry.logger.info("chatty");
  expect(lines).toEqual([]);
});

test("a pretty logger writes one readable line with its fields", () => {
  const lines: string[] = [];
  const telemetry = new Telemetry({ service: "local", stage: "local", logLevel: "INFO", pretty: true, write: (l) => lines.push(l) });
  telemetry.logger.error("probe batch failed", { error: "timeout" });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d ERROR probe batch failed {2}stage=local error=timeout$/);
});

test("metrics go out as one embedded-metric-format line with the catalogue's namespace, dimensions and units", () => {
  const telemetry = new Telemetry({ service: "probe-worker", stage: "prod", logLevel: "INFO", emitMetrics: true });
  telemetry.metric("ProbeCycleLag", 4.5);
  telemetry.metric("HealthChecks", 100);
  telemetry.metric("HealthChecks", 50);
  const lines = stdoutOf(() => telemetry.flush());
  expect(lines).toHaveLength(1);
  const emf = JSON.parse(lines[0]!);
  expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({
    Namespace: FLEET_METRICS_NAMESPACE,
    Dimensions: [expect.arrayContaining(["service", "stage"])],
    Metrics: expect.arrayContaining([
      { Name: "ProbeCycleLag", Unit: "Seconds" },
      { Name: "HealthChecks", Unit: "Count" },
    ]),
  });
  expect(emf).toMatchObject({ service: "fleetplane", stage: "prod", ProbeCycleLag: 4.5, HealthChecks: [100, 50] });
  expect(telemetry.totals.get("HealthChecks")).toBe(150);
  expect(stdoutOf(() => telemetry.flush())).toEqual([]);
});

test("without emitMetrics the values are only counted in-process", () => {
  const telemetry = new Telemetry({ service: "local", stage: "local", logLevel: "INFO" });
  telemetry.metric("EventsPublished", 3);
  expect(stdoutOf(() => telemetry.flush())).toEqual([]);
  expect(telemetry.totals.get("EventsPublished")).toBe(3);
});

test("concurrent scopes keep their own correlation keys, added to as each goes on", async () => {
  const lines: string[] = [];
  const telemetry = new Telemetry({ service: "local", stage: "local", logLevel: "INFO", write: (l) => lines.push(l) });
  const request = (id: string, organization: string) =>
    telemetry.withCorrelation({ request_id: id }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      telemetry.correlate({ organization_id: organization });
      await new Promise((resolve) => setImmediate(resolve));
      telemetry.log.info("done", { step: id });
    });
  await Promise.all([request("r1", "org-a"), request("r2", "org-b")]);
  telemetry.log.info("outside");
  const entries = lines.map((line) => JSON.parse(line));
  expect(entries.find((e) => e.step === "r1")).toMatchObject({ request_id: "r1", organization_id: "org-a" });
  expect(entries.find((e) => e.step === "r2")).toMatchObject({ request_id: "r2", organization_id: "org-b" });
  expect(entries.find((e) => e.message === "outside")).not.toHaveProperty("request_id");
});
