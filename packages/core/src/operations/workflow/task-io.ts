// The JSON each task of the state machine receives and returns (what flows between states).
import type { MapMode } from "../limits.js";
import type { ServerRunResult } from "../kinds/kind.js";
import type { OperationType } from "../schema.js";
import type { OperationRef } from "./workflows.js";

/** An error caught by the state machine (`Catch` with `ResultPath: "$.failure"`). */
export interface CaughtFailure {
  Error: string;
  Cause?: string;
}

export interface PreparedOperation extends OperationRef {
  operation_type: OperationType;
  /** Positions in the stored target list: small numbers keep the Map's item list far below 256 KiB. */
  positions: number[];
  max_concurrency: number;
  map_mode: MapMode;
  task_timeout_seconds: number;
}

export interface ServerStep extends OperationRef {
  operation_type: OperationType;
  position: number;
  task_timeout_seconds: number;
  outcome?: RunOutcome;
  failure?: CaughtFailure;
}

export interface TargetFacts {
  server_id: string;
  server_name: string;
  attempts: number;
}

export type RunOutcome =
  /** The target already has a final state (a resumed or repeated execution): nothing to record. */
  | { outcome: "done" }
  | ({ outcome: "skipped"; reason: string } & TargetFacts)
  | ({ outcome: "cancelled" } & TargetFacts)
  | ({ outcome: "ran"; result: ServerRunResult } & TargetFacts);

export interface FinalizeInput extends OperationRef {
  failure?: CaughtFailure;
  /** Present when the state machine calls Finalize: how long a server's run may take (see ServersStillRunning). */
  task_timeout_seconds?: number;
}

/** The message inside a caught failure: Lambda puts a JSON document with `errorMessage` in `Cause`. */
export function failureMessage(failure: CaughtFailure): string {
  let cause = failure.Cause ?? "";
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === "string") cause = parsed.errorMessage;
  } catch {
    // a plain message
  }
  return cause ? `${failure.Error}: ${cause}` : failure.Error;
}
