// `npm run bench [-- name ...]`: runs the benchmarks (all by default) and writes bench/results/<name>.json.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Each benchmark module exports one run function; they are run one at a time so they do not disturb each other. */
const BENCHMARKS: Record<string, { module: string; run: string }> = {
  simulator: { module: "./simulator.ts", run: "runSimulatorBench" },
  api: { module: "./api.ts", run: "runApiBench" },
  probes: { module: "./probes.ts", run: "runProbesBench" },
  "probes-fleet-sizes": { module: "./probes.ts", run: "runProbesFleetSizesBench" },
  operations: { module: "./operations.ts", run: "runOperationsBench" },
  "operations-cancel": { module: "./operations.ts", run: "runOperationsCancelBench" },
  console: { module: "./console.ts", run: "runConsoleBench" },
  bundles: { module: "./bundles.ts", run: "runBundlesBench" },
  soak: { module: "./soak.ts", run: "runSoakBench" },
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const unknown = asked.filter((name) => !BENCHMARKS[name]);
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(", ")}; choose from ${Object.keys(BENCHMARKS).join(", ")}`);
  for (const name of asked.length > 0 ? asked : Object.keys(BENCHMARKS)) {
    const { module, run } = BENCHMARKS[name]!;
    if (!existsSync(fileURLToPath(new URL(module, import.meta.url)))) {
      console.log(`${name}: no benchmark module yet, skipped`);
      continue;
    }
    const started = performance.now();
    console.log(`${name}: running…`);
    const exports = (await import(module)) as Record<string, (options?: object) => Promise<{ results: unknown }>>;
    const result = await exports[run]!();
    console.log(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s → bench/results/${name}.json`);
    console.log(JSON.stringify(result.results, null, 2));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
