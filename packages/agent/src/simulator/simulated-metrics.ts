// Metrics of a virtual server: realistic, drifting values computed per minute from (seed, server, minute), no storage.
import type { SampleSource } from "../metrics/metrics-cursor.js";
import type { MetricsPoint } from "../protocol.js";
import { unit } from "./seeded-random.js";

/** Minutes of history each virtual server offers; above the agent's minimum of 120. */
export const SIMULATED_BUFFER_MINUTES = 180;

const TAU = 2 * Math.PI;
const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, n));

/** A value that wanders smoothly: two slow waves with seeded phase, plus per-minute noise. */
function drift(seed: number, index: number, salt: number, minute: number, base: number, amplitude: number, noise: number): number {
  const phase1 = unit(seed, index, salt, 1) * TAU;
  const phase2 = unit(seed, index, salt, 2) * TAU;
  const wave = 0.6 * Math.sin((TAU * minute) / 47 + phase1) + 0.4 * Math.sin((TAU * minute) / 263 + phase2);
  return base + amplitude * wave + noise * (unit(seed, index, salt, minute) * 2 - 1);
}

export interface ServiceCounts {
  total: number;
  failed: number;
}

export function simulatedPoint(seed: number, index: number, minute: number, services: ServiceCounts): MetricsPoint {
  const b = (salt: number): number => unit(seed, index, 100 + salt);
  // Daily rhythm shared by traffic-driven figures: busiest mid-day UTC, shifted per server.
  const daily = 0.55 + 0.45 * Math.sin((TAU * (minute % 1440)) / 1440 - Math.PI / 2 + b(9));
  const cpu = clamp(drift(seed, index, 1, minute, 15 + 45 * b(1), 12, 6) * (0.6 + 0.6 * daily), 0.5, 100);
  const memory = clamp(drift(seed, index, 2, minute, 35 + 40 * b(2), 6, 1.5), 5, 99);
  // Disk fills slowly through the week and drops back when (simulated) weekly log rotation runs.
  const disk = clamp(20 + 55 * b(3) + (3 * (minute % 10_080)) / 10_080 + drift(seed, index, 3, minute, 0, 0.3, 0.1), 1, 99.5);
  const rxBase = 2e6 + 6e7 * b(4);
  const requests = Math.max(0, Math.round(drift(seed, index, 6, minute, 20 + 180 * b(6), 30, 15) * daily));
  const totalUsers = Math.round(500 + 20_000 * b(7) + (minute / 1440) * (5 + 40 * b(8)));
  return {
    timestamp: new Date(minute * 60_000).toISOString(),
    period: "1m",
    cpu_percent: round(cpu),
    memory_percent: round(memory),
    disk_percent: round(disk),
    network_rx_bytes: Math.max(0, Math.round(drift(seed, index, 4, minute, rxBase, rxBase * 0.3, rxBase * 0.1) * daily)),
    network_tx_bytes: Math.max(0, Math.round(drift(seed, index, 5, minute, rxBase * 0.4, rxBase * 0.1, rxBase * 0.05) * daily)),
    active_services: services.total - services.failed,
    failed_services: services.failed,
    total_services: services.total,
    llm_requests: requests,
    llm_cost_usd: round(requests * (0.0015 + 0.004 * b(10)), 4),
    active_users: Math.round(totalUsers * (0.01 + 0.05 * daily) * (0.9 + 0.2 * unit(seed, index, 11, minute))),
    total_users: totalUsers,
  };
}

export function serviceCount(seed: number, index: number): number {
  return 3 + Math.floor(unit(seed, index, 112) * 10);
}

/**
 * The buffer of one virtual server as a cursor source. Sequence numbers are epoch minutes, so they are
 * contiguous, and the epoch is derived from the seed, so cursors stay valid across simulator restarts.
 */
export function simulatedSamples(seed: number, index: number, nowMs: number, services: () => ServiceCounts): SampleSource {
  // The newest sample is the last completed minute; its timestamp is that minute's start.
  const newest = Math.floor(nowMs / 60_000) - 1;
  return {
    epoch: `sim${seed}`,
    oldestSeq: () => newest - SIMULATED_BUFFER_MINUTES + 1,
    newestSeq: () => newest,
    sampleAt: (minute) => simulatedPoint(seed, index, minute, services()),
  };
}
