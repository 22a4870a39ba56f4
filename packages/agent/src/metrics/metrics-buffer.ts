// Ring buffer of one-minute metrics samples kept by the agent, so missed polls are backfilled.
import { randomBytes } from "node:crypto";
import type { MetricsPoint } from "../protocol.js";
import type { SampleSource } from "./metrics-cursor.js";

export const MIN_BUFFER_MINUTES = 120;

export class MetricsBuffer implements SampleSource {
  /** A fresh epoch per process: cursors from before a restart are recognised as foreign, not misread. */
  readonly epoch = randomBytes(4).toString("hex");
  private readonly slots: MetricsPoint[];
  private nextSeq = 1;

  constructor(readonly capacity: number = 180) {
    if (capacity < MIN_BUFFER_MINUTES) throw new Error(`metrics buffer must hold at least ${MIN_BUFFER_MINUTES} samples`);
    this.slots = new Array<MetricsPoint>(capacity);
  }

  push(sample: MetricsPoint): number {
    const seq = this.nextSeq++;
    this.slots[seq % this.capacity] = sample;
    return seq;
  }

  oldestSeq(): number {
    return Math.max(1, this.nextSeq - this.capacity);
  }

  newestSeq(): number {
    return this.nextSeq - 1;
  }

  newest(): MetricsPoint | undefined {
    return this.nextSeq > 1 ? this.sampleAt(this.newestSeq()) : undefined;
  }

  sampleAt(seq: number): MetricsPoint {
    return this.slots[seq % this.capacity]!;
  }
}
