// The operations this server allows, each mapped to configured commands; runs one request to a result.
import si from "systeminformation";
import type { AgentConfig } from "../config/agent-config.js";
import { RequestRejected, type OperationRequest, type OperationResult, type OperationType } from "../protocol.js";
import { commandEnvironment } from "./command-environment.js";
import { MAX_OUTPUT_BYTES, runCommand } from "./command-runner.js";
import { expandArgv, validateParameters } from "./operation-parameters.js";

export type BuiltinOperation = () => Promise<string>;

export interface PreparedOperation {
  /** Identifies the request for idempotency: same key + different fingerprint is a conflict. */
  fingerprint: string;
  run(): Promise<OperationResult>;
}

export async function collectDiagnostics(): Promise<string> {
  const [os, load, mem, fs, time] = await Promise.all([si.osInfo(), si.currentLoad(), si.mem(), si.fsSize(), si.time()]);
  return JSON.stringify(
    {
      os: { platform: os.platform, distro: os.distro, release: os.release, kernel: os.kernel, hostname: os.hostname },
      uptime_s: time.uptime,
      load: load.currentLoad,
      mem,
      fs,
    },
    null,
    2,
  );
}

function truncate(text: string): string {
  return Buffer.byteLength(text) > MAX_OUTPUT_BYTES ? Buffer.from(text).subarray(0, MAX_OUTPUT_BYTES).toString("utf8") : text;
}

export class OperationCatalog {
  constructor(
    private readonly operations: AgentConfig["operations"],
    private readonly builtins: Partial<Record<OperationType, BuiltinOperation>>,
    /** What each command's environment holds (command-environment.ts). */
    private readonly env: Record<string, string> = commandEnvironment([]),
  ) {}

  /** Throws 403 for a type this server does not allow and 400 for bad parameters, before anything runs. */
  prepare(request: OperationRequest): PreparedOperation {
    const config = this.operations[request.operation_type];
    if (!config) {
      throw new RequestRejected(403, "operation_not_allowed", `operation ${request.operation_type} is not allowed on this server`);
    }
    const values = validateParameters(config, request.parameters);
    // The server's configured timeout is the ceiling; a request may only ask for less.
    const timeoutMs = Math.min(request.timeout_seconds ?? config.timeout_seconds, config.timeout_seconds) * 1000;
    const builtin = config.commands.length === 0 ? this.builtins[request.operation_type] : undefined;
    const fingerprint = JSON.stringify([request.operation_type, values]);
    return {
      fingerprint,
      run: async () => {
        const started = performance.now();
        const elapsed = (): number => Math.round(performance.now() - started);
        if (builtin) {
          try {
            return { status: "succeeded", output: truncate(await builtin()), error: "", duration_ms: elapsed() };
          } catch (error) {
            return { status: "failed", output: "", error: (error as Error).message, duration_ms: elapsed() };
          }
        }
        const outputs: string[] = [];
        for (const template of config.commands) {
          const argv = expandArgv(template, values);
          const remaining = timeoutMs - (performance.now() - started);
          const outcome = await runCommand(argv, Math.max(remaining, 1), undefined, this.env);
          outputs.push(outcome.output);
          const output = truncate(outputs.join(""));
          const truncatedNote = outcome.truncated ? " (output truncated to 64 KiB)" : "";
          if (outcome.timed_out)
            return {
              status: "failed",
              output,
              error: `timed out after ${timeoutMs / 1000} s; process killed${truncatedNote}`,
              duration_ms: elapsed(),
            };
          if (outcome.spawn_error) return { status: "failed", output, error: `${argv[0]}: ${outcome.spawn_error}`, duration_ms: elapsed() };
          if (outcome.exit_code !== 0) {
            return {
              status: "failed",
              output,
              error: `${argv[0]} exited with ${outcome.exit_code ?? outcome.signal}${truncatedNote}`,
              duration_ms: elapsed(),
            };
          }
        }
        return { status: "succeeded", output: truncate(outputs.join("")), error: "", duration_ms: elapsed() };
      },
    };
  }
}
