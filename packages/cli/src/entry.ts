// The process entry of the fleetplane binary: real stdio and environment, the exit code from run().
import { run } from "./main.js";

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
