// The shared shape of a health check: every kind of component check (tcp, redis, command, ...) implements it.

export interface CheckOutcome {
  healthy: boolean;
  error?: string;
  details?: Record<string, unknown>;
}

export interface ComponentCheck {
  /** Key under `components` in the /health answer. */
  readonly name: string;
  /** An unhealthy critical component makes the server `critical`; any other makes it `degraded`. */
  readonly critical: boolean;
  /** Must stop work when `signal` aborts; the report does not wait past its deadline either way. */
  run(signal: AbortSignal): Promise<CheckOutcome>;
}
