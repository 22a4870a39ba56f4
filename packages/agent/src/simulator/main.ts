// CLI: run a simulated fleet in its own process (demo, benchmarks). Prints the roster as JSON lines.
import { createWriteStream } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_SEED, startSimulator } from "./index.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100" },
    port: { type: "string", default: "0" },
    seed: { type: "string", default: String(DEFAULT_SEED) },
    mix: { type: "string", default: "all-healthy" },
    out: { type: "string" },
  },
});
const mix = values.mix;
if (mix !== "all-healthy" && mix !== "realistic") {
  console.error("--mix must be all-healthy or realistic");
  process.exit(2);
}
const simulator = await startSimulator({ count: Number(values.count), port: Number(values.port), seed: Number(values.seed), mix });

if (values.out) {
  // With --out, stdout carries one JSON line saying where the fleet is, so a parent process can read it.
  const file = createWriteStream(values.out);
  for (const s of simulator.servers) file.write(`${JSON.stringify(s)}\n`);
  await new Promise<void>((resolve) => file.end(resolve));
  console.log(JSON.stringify({ url: simulator.url, count: simulator.servers.length, seed: Number(values.seed), servers_file: values.out }));
} else {
  for (const s of simulator.servers) process.stdout.write(`${JSON.stringify(s)}\n`);
}
console.error(
  `fleetplane simulator: ${simulator.servers.length} agents at ${simulator.url}/agents/:index (control: ${simulator.url}/control/servers)`,
);

const stop = (): void => {
  void simulator.close().then(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
