// Reads real host figures (CPU, memory, disk, network, services) through systeminformation.
import si from "systeminformation";
import type { AgentConfig } from "../config/agent-config.js";
import type { MetricsPoint } from "../protocol.js";
import { queryUnits } from "../checks/systemd-check.js";
import { readAppCounters } from "./app-counters.js";

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function minuteFloor(ms: number): string {
  return new Date(Math.floor(ms / 60_000) * 60_000).toISOString();
}

interface NetworkTotals {
  rx: number;
  tx: number;
  at: number;
}

export class HostSampler {
  /** Totals at the last buffered sample: network figures are bytes moved during the sample's minute. */
  private baseline: NetworkTotals | undefined;

  constructor(
    private readonly config: AgentConfig,
    private readonly now: () => number = Date.now,
  ) {}

  private async networkTotals(): Promise<NetworkTotals> {
    const stats = await si.networkStats("*").catch(() => []);
    const external = stats.filter((s) => s.iface !== "lo");
    return {
      rx: external.reduce((a, s) => a + (s.rx_bytes || 0), 0),
      tx: external.reduce((a, s) => a + (s.tx_bytes || 0), 0),
      at: this.now(),
    };
  }

  private async diskPercent(): Promise<number> {
    const all = await si.fsSize().catch(() => []);
    const mounts = all.filter((f) => this.config.metrics.disk_mounts.includes(f.mount));
    const size = mounts.reduce((a, f) => a + f.size, 0);
    return size > 0 ? (100 * mounts.reduce((a, f) => a + f.used, 0)) / size : 0;
  }

  private async services(): Promise<{ active: number; failed: number; total: number }> {
    const s = this.config.checks.services;
    if (!s || s.type !== "systemd") return { active: 0, failed: 0, total: 0 };
    const states = await queryUnits(s.units, this.config.checks.timeout_ms).catch(() => ({ active: [], failed: s.units }));
    return { active: states.active.length, failed: states.failed.length, total: s.units.length };
  }

  /** `advance` moves the network baseline: true for the per-minute buffered sample, false for /metrics/current. */
  async sample(advance: boolean): Promise<MetricsPoint> {
    const [load, mem, disk, net, services, app] = await Promise.all([
      si.currentLoad().catch(() => ({ currentLoad: 0 })),
      si.mem().catch(() => ({ total: 0, available: 0 })),
      this.diskPercent(),
      this.networkTotals(),
      this.services(),
      readAppCounters(this.config.metrics.app_counters),
    ]);
    const base = this.baseline ?? net;
    // Scale to a full minute so a /current read between samples is comparable with buffered ones.
    const minutes = Math.max((net.at - base.at) / 60_000, 1 / 60);
    const perMinute = (bytes: number): number => (this.baseline ? Math.max(0, Math.round(bytes / minutes)) : 0);
    if (advance) this.baseline = net;
    return {
      timestamp: minuteFloor(this.now()),
      period: "1m",
      cpu_percent: round(load.currentLoad),
      memory_percent: round(mem.total > 0 ? (100 * (mem.total - mem.available)) / mem.total : 0),
      disk_percent: round(disk),
      network_rx_bytes: perMinute(net.rx - base.rx),
      network_tx_bytes: perMinute(net.tx - base.tx),
      active_services: services.active,
      failed_services: services.failed,
      total_services: services.total,
      ...app,
    };
  }
}
