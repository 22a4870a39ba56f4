// Component check that runs a configured command (argv, no shell); exit status 0 means healthy.
import { runCommand } from "../operations/command-runner.js";
import type { ComponentCheck } from "./component-check.js";

export function commandCheck(name: string, argv: string[], timeoutMs: number, critical: boolean): ComponentCheck {
  return {
    name,
    critical,
    async run(signal) {
      const outcome = await runCommand(argv, timeoutMs, signal);
      if (outcome.exit_code === 0) return { healthy: true };
      const why = outcome.timed_out ? "timed out" : (outcome.spawn_error ?? `exit status ${outcome.exit_code ?? outcome.signal}`);
      return { healthy: false, error: `${why}${outcome.output ? `: ${outcome.output.trim().slice(0, 200)}` : ""}` };
    },
  };
}
