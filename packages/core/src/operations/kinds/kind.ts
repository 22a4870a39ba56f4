// The one interface every operation type implements (one file per type beside this one).
import type { z } from "zod";
import type { FleetContext } from "../../context.js";
import type { ServerItem } from "../../servers/server-item.js";
import type { OperationType } from "../schema.js";

/** What one server's run produced; `output` is truncated to the kind's limit by the caller. */
export interface ServerRunResult {
  status: "succeeded" | "failed";
  output: string;
  error: string;
  duration_ms: number;
}

export interface ServerRunRequest {
  parameters: Record<string, unknown>;
  /** Derived from the operation's; the same on every retry, so an agent runs the request at most once. */
  idempotency_key: string;
  timeout_seconds: number;
}

export interface OperationKind {
  readonly type: OperationType;
  /** Validates `parameters` when the operation is created (400 with field paths when they do not fit). */
  readonly parameters: z.ZodType<Record<string, unknown>>;
  /** Output kept per server: output is stored with every result and costs a write unit per KiB. */
  readonly outputLimitBytes: number;
  /** Runs on one server. Throws AgentUnavailable for transient failures (the workflow retries those). */
  run(ctx: FleetContext, server: ServerItem, request: ServerRunRequest): Promise<ServerRunResult>;
}

/**
 * A transient failure reaching the agent (no answer in time, connection refused, 5xx, 429): the state
 * machine's Retry matches this error name, so the name is part of the workflow definition.
 */
export class AgentUnavailable extends Error {
  static readonly errorName = "Fleetplane.AgentUnavailable";
  constructor(message: string) {
    super(message);
    this.name = AgentUnavailable.errorName;
  }
}
