// What domain code is given to work with: the table, clock, secrets, agent client and settings (ports, not globals).
import type { AgentClient } from "./agents/agent-client.js";
import type { Clock } from "./clock.js";
import type { OperationWorkflows } from "./operations/workflow/workflows.js";
import type { FleetConfig } from "./config.js";
import type { OutboundHttp } from "./egress/outbound-http.js";
import type { Signals } from "./observability/signals.js";
import type { ProbeQueue } from "./probes/probe-batch.js";
import type { Secrets } from "./secrets/secrets.js";
import type { Table } from "./store/table.js";

export interface FleetContext {
  table: Table;
  clock: Clock;
  secrets: Secrets;
  config: FleetConfig;
  agents: AgentClient;
  /**
   * HTTP to hosts users name (webhook receivers; the agent client holds the same one): in production mode it refuses
   * non-routable addresses after resolution and connects only to the addresses it checked.
   */
  outbound: OutboundHttp;
  /** Starts bulk-operation workflows; absent where operations are not wired (a Lambda that never starts one). */
  workflows?: OperationWorkflows;
  /** Hands probe batches to probe workers (SQS in AWS, an in-process queue locally); absent where nothing dispatches probes. */
  probeQueue?: ProbeQueue;
  /** Structured logs and metrics (observability/telemetry.ts); absent in unit tests, which then log nothing. */
  signals?: Signals;
}

/** The caller of a domain operation, as established by authentication. */
export interface Caller {
  organizationId: string;
  role: Role;
  keyId: string;
  /** The platform (bootstrap) key: admin of `default`, and the only key that creates organizations. */
  platform: boolean;
}

export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
