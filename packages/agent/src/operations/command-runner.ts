// Runs one command as argv (no shell), with a deadline that kills its whole process group and capped output.
import { spawn } from "node:child_process";
import { commandEnvironment } from "./command-environment.js";

export const MAX_OUTPUT_BYTES = 64 * 1024;

export interface CommandOutcome {
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  output: string;
  truncated: boolean;
  spawn_error?: string;
}

/** Keeps the first MAX_OUTPUT_BYTES of interleaved stdout+stderr; the rest is counted, not stored. */
class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  add(chunk: Buffer): void {
    const room = MAX_OUTPUT_BYTES - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/** `env` defaults to the base allowlist only (command-environment.ts): the agent's own environment is never passed whole. */
export function runCommand(
  argv: readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
  env: Record<string, string> = commandEnvironment([]),
): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const capture = new OutputCapture();
    let timedOut = false;
    let settled = false;
    const child = spawn(argv[0]!, argv.slice(1), {
      shell: false,
      // Own process group, so a timeout also kills whatever the command started (scripts, their children).
      detached: process.platform !== "win32",
      stdio: ["ignore", "pipe", "pipe"],
      env,
    });
    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(process.platform === "win32" ? child.pid : -child.pid, sig);
      } catch {
        // already gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const expire = (): void => {
      timedOut = true;
      killGroup("SIGTERM");
      // A command that ignores SIGTERM still must not outlive its deadline by much.
      killTimer = setTimeout(() => killGroup("SIGKILL"), 500);
      killTimer.unref();
    };
    const deadline = setTimeout(expire, timeoutMs);
    const onAbort = (): void => expire();
    signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout!.on("data", (c: Buffer) => capture.add(c));
    child.stderr!.on("data", (c: Buffer) => capture.add(c));
    const finish = (outcome: Omit<CommandOutcome, "output" | "truncated" | "timed_out">): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      signal?.removeEventListener("abort", onAbort);
      if (timedOut) killGroup("SIGKILL");
      else if (killTimer) clearTimeout(killTimer);
      resolve({ ...outcome, timed_out: timedOut, output: capture.text(), truncated: capture.truncated });
    };
    child.on("error", (error) => finish({ exit_code: null, signal: null, spawn_error: error.message }));
    // 'close' waits for the pipes; a grandchild holding them open after a timeout must not stall us.
    child.on("exit", (code, sig) => {
      if (timedOut) finish({ exit_code: code, signal: sig });
    });
    child.on("close", (code, sig) => finish({ exit_code: code, signal: sig }));
  });
}
