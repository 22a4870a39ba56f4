// `npm run cost`: the monthly AWS bill of a deployed stage at 100, 1,000 and 10,000 servers, line by line,
// from the benchmarks' measured units (bench/results/) and the price table below; writes docs/cost.md's table.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** us-east-1 list prices (USD) as published on 2026-11; arm64 Lambda, on-demand DynamoDB, Standard workflows. */
export const PRICES = {
  lambdaPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  dynamoStoragePerGbMonth: 0.25,
  dynamoBackupPerGbMonth: 0.2,
  stepFunctionsPerThousandTransitions: 0.025,
  sqsPerMillionRequests: 0.4,
  eventBridgePerMillionEvents: 1.0,
  kmsPerKeyMonth: 1.0,
  kmsPerTenThousandRequests: 0.03,
  logsIngestPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  customMetricPerMonth: 0.3,
  alarmMetricPerMonth: 0.1,
  dashboardPerMonth: 3.0,
  httpApiPerMillionRequests: 1.0,
  cloudFrontPerGb: 0.085,
  cloudFrontPerTenThousandRequests: 0.01,
} as const;

/** What the model assumes where nothing here can measure it (AWS-only figures); each is stated in docs/cost.md. */
export const ASSUMPTIONS = {
  hoursPerMonth: 730,
  healthIntervalSeconds: 30,
  metricsIntervalSeconds: 60,
  serversPerProbeBatch: 100,
  /** Wall time of one probe batch (100 agents, 50 in flight, ~200 ms each, then the batch's writes). */
  probeBatchSeconds: 1.5,
  probeWorkerGb: 0.5,
  fleetWideOperationsPerMonth: 4,
  /** Per server: prepare/iterate, run-on-server, record-result, and the Map's own transitions. */
  stateTransitionsPerServerOperation: 6,
  runOnServerSeconds: 5,
  operationTaskGb: 0.25,
  /** Fleet events per server and day (health changes, alerts, operation results). */
  eventsPerServerDay: 4,
  /**
   * Stored bytes per server at steady state: 30 days of health at 30 s (86,400 records × ~40 bytes packed)
   * ≈ 3.5 MB, metrics 1m × 7 d ≈ 1.5 MB, 5m × 30 d ≈ 1.7 MB, 1h × 400 d ≈ 1.9 MB, 1d × 5 y ≈ 0.4 MB.
   */
  storedBytesPerServer: 9_000_000,
  /** API requests a month: the console and scripts, plus a share per server. */
  apiRequestsBase: 200_000,
  apiRequestsPerServer: 100,
  apiRequestSeconds: 0.05,
  apiGb: 0.5,
  /** Bytes of JSON log per Lambda invocation (a start line, a few domain lines, the report). */
  logBytesPerInvocation: 1_500,
  logRetentionMonths: 1,
  customMetrics: 11,
  alarmMetrics: 50,
  consoleGbPerMonth: 1,
  consoleRequestsPerMonth: 100_000,
} as const;

export const FLEET_SIZES = [100, 1_000, 10_000] as const;

export interface MeasuredUnits {
  /** DynamoDB write units per server-hour of probing, by fleet size (the nearest measured size is used). */
  probeWriteUnitsPerServerHour: Record<string, number>;
  probeReadUnitsPerServerHour: number;
  operationWriteUnitsPerServer: number;
  operationReadUnitsPerServer: number;
  kmsCallsPerServerHour: number;
}

type Line = { service: string; what: string; monthly: Record<number, number> };

/** Reads the measured units out of the benchmark results. */
export function measuredUnits(results: { probes: any; operations: any }): MeasuredUnits {
  const probes = results.probes.results;
  const realistic = (
    probes.write_units as Array<{ mix: string; servers: number; write_units_per_server_hour: number; read_units_per_server_hour: number }>
  ).find((run) => run.mix === "realistic");
  if (!realistic) throw new Error("bench/results/probes.json has no realistic write-units run");
  // Sizes a run could not measure are null: the model uses the nearest measured size instead.
  const measured = Object.entries((probes.write_units_per_server_hour_by_fleet_size ?? {}) as Record<string, number | null>).filter(
    (entry): entry is [string, number] => typeof entry[1] === "number",
  );
  const byFleetSize: Record<string, number> =
    measured.length > 0 ? Object.fromEntries(measured) : { [realistic.servers]: realistic.write_units_per_server_hour };
  return {
    probeWriteUnitsPerServerHour: byFleetSize,
    probeReadUnitsPerServerHour: realistic.read_units_per_server_hour,
    operationWriteUnitsPerServer: results.operations.results.write_units_per_server,
    operationReadUnitsPerServer: results.operations.results.read_units_per_server,
    kmsCallsPerServerHour: probes.kms_calls_per_server_hour,
  };
}

function nearest(bySize: Record<string, number>, servers: number): number {
  const sizes = Object.keys(bySize).map(Number);
  const best = sizes.reduce((a, b) => (Math.abs(Math.log(b / servers)) < Math.abs(Math.log(a / servers)) ? b : a));
  return bySize[String(best)]!;
}

export function monthlyCost(units: MeasuredUnits): Line[] {
  const a = ASSUMPTIONS;
  const p = PRICES;
  const per = (fn: (servers: number) => number) => Object.fromEntries(FLEET_SIZES.map((n) => [n, fn(n)]));
  const minutes = a.hoursPerMonth * 60;
  const probeBatches = (n: number) => Math.ceil(n / a.serversPerProbeBatch) * (60 / a.healthIntervalSeconds) * minutes;
  const operationServers = (n: number) => n * a.fleetWideOperationsPerMonth;
  const apiRequests = (n: number) => a.apiRequestsBase + a.apiRequestsPerServer * n;
  const invocations = (n: number) => probeBatches(n) + minutes /* dispatcher */ + 2 * operationServers(n) + apiRequests(n);
  const events = (n: number) => n * a.eventsPerServerDay * (a.hoursPerMonth / 24);

  return [
    {
      service: "DynamoDB",
      what: "writes (probing, measured per server-hour)",
      monthly: per((n) => ((nearest(units.probeWriteUnitsPerServerHour, n) * n * a.hoursPerMonth) / 1e6) * p.dynamoPerMillionWriteUnits),
    },
    {
      service: "DynamoDB",
      what: "writes (bulk operations, measured per server)",
      monthly: per((n) => ((units.operationWriteUnitsPerServer * operationServers(n)) / 1e6) * p.dynamoPerMillionWriteUnits),
    },
    {
      service: "DynamoDB",
      what: "reads (probing and operations, measured)",
      monthly: per(
        (n) =>
          ((units.probeReadUnitsPerServerHour * n * a.hoursPerMonth + units.operationReadUnitsPerServer * operationServers(n)) / 1e6) *
          p.dynamoPerMillionReadUnits,
      ),
    },
    {
      service: "DynamoDB",
      what: "storage and point-in-time recovery",
      monthly: per((n) => ((n * a.storedBytesPerServer) / 1e9) * (p.dynamoStoragePerGbMonth + p.dynamoBackupPerGbMonth)),
    },
    {
      service: "Lambda",
      what: "probe workers and dispatcher",
      monthly: per(
        (n) =>
          ((probeBatches(n) + minutes) / 1e6) * p.lambdaPerMillionRequests +
          (probeBatches(n) * a.probeBatchSeconds + minutes) * a.probeWorkerGb * p.lambdaPerGbSecond,
      ),
    },
    {
      service: "Lambda",
      what: "API and bulk-operation tasks",
      monthly: per(
        (n) =>
          ((apiRequests(n) + 2 * operationServers(n)) / 1e6) * p.lambdaPerMillionRequests +
          (apiRequests(n) * a.apiRequestSeconds * a.apiGb + operationServers(n) * a.runOnServerSeconds * a.operationTaskGb) *
            p.lambdaPerGbSecond,
      ),
    },
    {
      service: "Step Functions",
      what: "bulk-operation state transitions",
      monthly: per((n) => ((operationServers(n) * a.stateTransitionsPerServerOperation) / 1000) * p.stepFunctionsPerThousandTransitions),
    },
    {
      service: "SQS",
      what: "probe batches (send in tens, receive, delete)",
      monthly: per((n) => ((probeBatches(n) * (0.1 + 2)) / 1e6) * p.sqsPerMillionRequests),
    },
    { service: "EventBridge", what: "fleet events published", monthly: per((n) => (events(n) / 1e6) * p.eventBridgePerMillionEvents) },
    {
      service: "KMS",
      what: "agent token key and calls (measured per server-hour)",
      monthly: per((n) => p.kmsPerKeyMonth + ((units.kmsCallsPerServerHour * n * a.hoursPerMonth) / 1e4) * p.kmsPerTenThousandRequests),
    },
    {
      service: "CloudWatch",
      what: "logs (ingest and one month kept)",
      monthly: per(
        (n) => ((invocations(n) * a.logBytesPerInvocation) / 1e9) * (p.logsIngestPerGb + p.logsStoragePerGbMonth * a.logRetentionMonths),
      ),
    },
    {
      service: "CloudWatch",
      what: "custom metrics, alarms, dashboard",
      monthly: per(() => a.customMetrics * p.customMetricPerMonth + a.alarmMetrics * p.alarmMetricPerMonth + p.dashboardPerMonth),
    },
    { service: "API Gateway", what: "HTTP API requests", monthly: per((n) => (apiRequests(n) / 1e6) * p.httpApiPerMillionRequests) },
    {
      service: "CloudFront",
      what: "console",
      monthly: per(() => a.consoleGbPerMonth * p.cloudFrontPerGb + (a.consoleRequestsPerMonth / 1e4) * p.cloudFrontPerTenThousandRequests),
    },
  ];
}

const dollars = (value: number) => (value >= 100 ? `$${value.toFixed(0)}` : value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(3)}`);

/** The Markdown table docs/cost.md carries between its markers. */
export function costTable(units: MeasuredUnits): string {
  const lines = monthlyCost(units);
  const header = `| service | what | ${FLEET_SIZES.map((n) => `${n.toLocaleString("en-US")} servers`).join(" | ")} |`;
  const rule = `|---|---|${FLEET_SIZES.map(() => "---:").join("|")}|`;
  const rows = lines.map((line) => `| ${line.service} | ${line.what} | ${FLEET_SIZES.map((n) => dollars(line.monthly[n]!)).join(" | ")} |`);
  const totals = FLEET_SIZES.map((n) => lines.reduce((sum, line) => sum + line.monthly[n]!, 0));
  const total = `| **total** | per month | ${totals.map((t) => `**${dollars(t)}**`).join(" | ")} |`;
  const perServer = `| | per server and month | ${totals.map((t, i) => dollars(t / FLEET_SIZES[i]!)).join(" | ")} |`;
  const measured = [
    `Measured units used: probing ${Object.entries(units.probeWriteUnitsPerServerHour)
      .map(([size, value]) => `${value} write units per server-hour at ${Number(size).toLocaleString("en-US")} servers`)
      .join(
        ", ",
      )}; ${units.probeReadUnitsPerServerHour} read units per server-hour; operations ${units.operationWriteUnitsPerServer} write and ${units.operationReadUnitsPerServer} read units per server; ${units.kmsCallsPerServerHour} KMS calls per server-hour.`,
  ];
  return [header, rule, ...rows, total, perServer, "", ...measured].join("\n");
}

const BEGIN = "<!-- cost:begin (generated by `npm run cost`) -->";
const END = "<!-- cost:end -->";

/** docs/cost.md with its generated section replaced by `table`. */
export function withCostTable(markdown: string, table: string): string {
  const start = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/cost.md lacks the ${BEGIN} … ${END} markers`);
  return `${markdown.slice(0, start + BEGIN.length)}\n${table}\n${markdown.slice(end)}`;
}

export function readMeasuredUnits(root: URL): MeasuredUnits {
  const read = (name: string) => JSON.parse(readFileSync(new URL(`bench/results/${name}.json`, root), "utf8"));
  return measuredUnits({ probes: read("probes"), operations: read("operations") });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL("..", import.meta.url);
  const doc = new URL("docs/cost.md", root);
  const table = costTable(readMeasuredUnits(root));
  writeFileSync(doc, withCostTable(readFileSync(doc, "utf8"), table));
  console.log(table);
  console.log(`\nwritten to ${fileURLToPath(doc)}`);
}
