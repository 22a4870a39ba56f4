// Application counters (LLM requests and cost, users) read from a JSON file or URL the application exposes.
import { readFile } from "node:fs/promises";
import type { AgentConfig } from "../config/agent-config.js";

export interface AppCounters {
  llm_requests: number;
  llm_cost_usd: number;
  active_users: number;
  total_users: number;
}

const ZERO: AppCounters = { llm_requests: 0, llm_cost_usd: 0, active_users: 0, total_users: 0 };
const COUNTER_TIMEOUT_MS = 1000;

const nonNegative = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0);

/** Missing or unreadable counters read as zero: host metrics must not be lost because the app is down. */
export async function readAppCounters(source: AgentConfig["metrics"]["app_counters"]): Promise<AppCounters> {
  if (!source) return ZERO;
  try {
    let raw: unknown;
    if ("file" in source) {
      raw = JSON.parse(await readFile(source.file, "utf8"));
    } else {
      const response = await fetch(source.url, { signal: AbortSignal.timeout(COUNTER_TIMEOUT_MS) });
      raw = await response.json();
    }
    const r = (raw ?? {}) as Record<string, unknown>;
    return {
      llm_requests: nonNegative(r.llm_requests),
      llm_cost_usd: nonNegative(r.llm_cost_usd),
      active_users: nonNegative(r.active_users),
      total_users: nonNegative(r.total_users),
    };
  } catch {
    return ZERO;
  }
}
