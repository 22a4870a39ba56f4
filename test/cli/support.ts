// Runs the fleetplane CLI in-process against a test fleet, capturing stdout, stderr and the exit code.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../packages/cli/src/main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document of --json. */
  json<T = any>(): T;
}

export interface CliRunner {
  (...argv: string[]): Promise<CliResult>;
  /** A run whose stdin is `stdin` (a terminal if it says so), for commands that ask questions. */
  withStdin(stdin: NodeJS.ReadableStream & { isTTY?: boolean }, ...argv: string[]): Promise<CliResult>;
  /** The XDG_CONFIG_HOME the runs use, so profile files stay inside the test's temporary directory. */
  configHome: string;
  dir: string;
}

export function cliFor(env: Record<string, string | undefined>): CliRunner {
  const dir = mkdtempSync(join(tmpdir(), "fleetplane-cli-"));
  const configHome = join(dir, "config");
  const withStdin = async (stdin: (NodeJS.ReadableStream & { isTTY?: boolean }) | undefined, ...argv: string[]): Promise<CliResult> => {
    let stdout = "";
    let stderr = "";
    const code = await run(argv, {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      ...(stdin ? { stdin } : {}),
      env: { XDG_CONFIG_HOME: configHome, ...env },
    });
    return { code, stdout, stderr, json: () => JSON.parse(stdout) };
  };
  return Object.assign((...argv: string[]) => withStdin(undefined, ...argv), { configHome, dir, withStdin });
}
