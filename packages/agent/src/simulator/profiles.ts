// Fault-injection profiles for virtual agents and operation outcomes, and the seeded "realistic" fleet mix.
import { unit } from "./seeded-random.js";

export type Profile =
  | { kind: "healthy" }
  | { kind: "degraded" } // redis component unhealthy, one failed service
  | { kind: "critical" } // database component unhealthy, two failed services
  | { kind: "slow"; latency_ms: number; jitter_ms?: number } // every answer delayed latency ± jitter
  | { kind: "timeout" } // accepts the request, never answers
  | { kind: "refused" } // socket destroyed on arrival: the client sees a connection error
  | { kind: "http_error"; status?: number } // default 503
  | { kind: "malformed" } // 200 with truncated JSON
  | { kind: "oversized"; bytes?: number } // 200 with a valid JSON body of about `bytes` (default 2 MiB)
  | { kind: "flapping"; period_checks?: number; down?: "critical" | "refused" | "timeout" }; // up for N health checks, down for N

export type OperationBehaviour =
  | { outcome: "succeed"; delay_ms?: number }
  | { outcome: "fail"; error?: string; delay_ms?: number }
  | { outcome: "slow"; delay_ms: number }
  | { outcome: "hang" } // never answers (until the client gives up or the simulator closes)
  | { outcome: "forbidden" }; // 403, as an agent whose config does not allow the type

export const PROFILE_KINDS = [
  "healthy",
  "degraded",
  "critical",
  "slow",
  "timeout",
  "refused",
  "http_error",
  "malformed",
  "oversized",
  "flapping",
] as const;
export const OPERATION_OUTCOMES = ["succeed", "fail", "slow", "hang", "forbidden"] as const;

export type FleetMix = "all-healthy" | "realistic";

const PROFILE_SALT = 17;

/** Realistic: ~88% healthy, the rest degraded, critical, slow, flapping, timing out, erroring or refusing. */
export function initialProfile(mix: FleetMix, seed: number, index: number): Profile {
  if (mix === "all-healthy") return { kind: "healthy" };
  const r = unit(seed, index, PROFILE_SALT);
  if (r < 0.88) return { kind: "healthy" };
  if (r < 0.92) return { kind: "degraded" };
  if (r < 0.94) return { kind: "critical" };
  if (r < 0.965) return { kind: "slow", latency_ms: 300 + Math.floor(unit(seed, index, PROFILE_SALT, 1) * 1200), jitter_ms: 200 };
  if (r < 0.98) return { kind: "flapping", period_checks: 2 + Math.floor(unit(seed, index, PROFILE_SALT, 2) * 4) };
  if (r < 0.99) return { kind: "timeout" };
  if (r < 0.995) return { kind: "http_error", status: 503 };
  return { kind: "refused" };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const optionalNumber = (v: unknown): boolean => v === undefined || (typeof v === "number" && Number.isFinite(v) && v >= 0);

/** Validates a profile arriving over the control endpoint; returns an error message or undefined. */
export function profileProblem(value: unknown): string | undefined {
  if (!isObject(value) || !(PROFILE_KINDS as readonly unknown[]).includes(value.kind))
    return `kind must be one of ${PROFILE_KINDS.join(", ")}`;
  if (value.kind === "slow" && !(typeof value.latency_ms === "number" && value.latency_ms >= 0)) return "slow needs latency_ms";
  for (const key of ["jitter_ms", "status", "bytes", "period_checks"])
    if (!optionalNumber(value[key])) return `${key} must be a non-negative number`;
  return undefined;
}

export function behaviourProblem(value: unknown): string | undefined {
  if (!isObject(value) || !(OPERATION_OUTCOMES as readonly unknown[]).includes(value.outcome))
    return `outcome must be one of ${OPERATION_OUTCOMES.join(", ")}`;
  if (value.outcome === "slow" && !(typeof value.delay_ms === "number" && value.delay_ms >= 0)) return "slow needs delay_ms";
  if (!optionalNumber(value.delay_ms)) return "delay_ms must be a non-negative number";
  return undefined;
}
