// Benchmark: each deployed Lambda handler as the deploy bundles it: bytes, gzip bytes, and the median time to
// import the bundle in a fresh Node.js process (the module-load part of a cold start).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { HANDLER_BYTE_BUDGET, LAMBDA_RUNTIME } from "../stacks/bundling.js";
import { bundleHandlers } from "../test/support/handler-bundles.js";

export interface BundlesBenchOptions {
  /** Fresh processes per handler; the median is reported. */
  imports?: number;
  write?: boolean;
}

export interface BundlesBenchResult {
  name: "bundles";
  date: string;
  node: string;
  results: {
    /** cold_import_cpu_ms: CPU time (user + system) of the same imports, which a loaded machine inflates far less than wall time. */
    /** cold_import_traced_ms: the same import as a Lambda container with X-Ray tracing on, whose SDK clients get the tracing middleware (packages/functions/src/tracing.ts). */
    handlers: Record<
      string,
      {
        bytes: number;
        gzip_bytes: number;
        cold_import_ms: number;
        cold_import_cpu_ms: number;
        cold_import_traced_ms: number;
        cold_import_traced_cpu_ms: number;
      }
    >;
    byte_budget: number;
    lambda_runtime: string;
    /** The machine's 1-minute load average when the run started (shared CI machines skew import times). */
    load_average: number;
    setup: string;
  };
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * What a handler's module scope needs, as its stack sets it; nothing is reachable (DynamoDB and SSM point at a
 * closed port), so only the import is timed, never a network call.
 */
const HANDLER_ENV = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
  AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  FLEETPLANE_MODE: "production",
  FLEETPLANE_TABLE_NAME: "fleetplane-bench",
  FLEETPLANE_KMS_KEY_ID: "arn:aws:kms:us-east-1:000000000000:key/bench",
  FLEETPLANE_EVENT_BUS_NAME: "fleet-bench",
  FLEETPLANE_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:000000000000:stateMachine:bench",
  FLEETPLANE_PROBE_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/bench",
  SST_APP: "fleetplane",
  SST_STAGE: "bench",
  // As deployed: the platform key is read from SSM at cold start (here a closed port refuses the call).
  SST_Secret_value_FLEETPLANE_ADMIN_API_KEY: "__FETCH_FROM_SSM__",
  AWS_ENDPOINT_URL_SSM: "http://127.0.0.1:9",
};

/** What a Lambda container with active tracing adds: its SDK clients are traced. */
export const TRACED_ENV = { AWS_EXECUTION_ENV: `AWS_Lambda_${LAMBDA_RUNTIME}` };

/** Wall and CPU milliseconds from `import()` of the bundle to its module body having run, in a new node process. */
export function coldImport(file: string, env: Record<string, string> = {}): { wall: number; cpu: number } {
  const script = [
    "const c = process.cpuUsage(); const t = performance.now();",
    `await import(${JSON.stringify(pathToFileURL(file).href)});`,
    "const wall = performance.now() - t; const u = process.cpuUsage(c);",
    "process.stdout.write(JSON.stringify({ wall, cpu: (u.user + u.system) / 1000 })); process.exit(0);",
  ].join(" ");
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH, ...HANDLER_ENV, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return JSON.parse(out) as { wall: number; cpu: number };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2;
  return Math.round(middle * 10) / 10;
}

export async function runBundlesBench(options: BundlesBenchOptions = {}): Promise<BundlesBenchResult> {
  const imports = options.imports ?? 10;
  const load = loadavg()[0]!;
  // Inside node_modules, where any package left external would resolve.
  const cache = join(root, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, "fleetplane-bundles-bench-"));
  try {
    const bundles = await bundleHandlers(dir);
    const handlers: BundlesBenchResult["results"]["handlers"] = {};
    for (const bundle of bundles) {
      const runs = Array.from({ length: imports }, () => coldImport(bundle.file));
      const traced = Array.from({ length: imports }, () => coldImport(bundle.file, TRACED_ENV));
      handlers[bundle.name] = {
        bytes: bundle.bytes,
        gzip_bytes: bundle.gzipBytes,
        cold_import_ms: median(runs.map((r) => r.wall)),
        cold_import_cpu_ms: median(runs.map((r) => r.cpu)),
        cold_import_traced_ms: median(traced.map((r) => r.wall)),
        cold_import_traced_cpu_ms: median(traced.map((r) => r.cpu)),
      };
    }
    const result: BundlesBenchResult = {
      name: "bundles",
      date: new Date().toISOString(),
      node: process.version,
      results: {
        handlers,
        byte_budget: HANDLER_BYTE_BUDGET,
        lambda_runtime: LAMBDA_RUNTIME,
        load_average: Math.round(load * 100) / 100,
        setup: `each handler bundled with the deploy's esbuild options (stacks/bundling.ts: ESM, minified, source maps, the AWS SDK bundled lean); bytes without the source map; cold_import_ms: median of ${imports} fresh node processes importing the bundle with the deployed environment; cold_import_traced_ms: the same with AWS_EXECUTION_ENV set as in a Lambda container, so SDK calls are traced`,
      },
    };
    if (options.write ?? true) writeFileSync(join(root, "bench/results/bundles.json"), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
