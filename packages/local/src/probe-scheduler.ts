// The local probe schedule: the AWS schedule → dispatcher → queue → workers chain, in-process. A tick
// dispatches one health cycle (with metrics every metrics interval) and runs its batches with bounded
// parallelism; ticks are aligned to the interval and never overlap (a late cycle is skipped, not queued).
import { dispatchProbes, runProbeBatch, type Dispatched, type FleetContext, type ProbeBatch, type ProbeQueue } from "@fleetplane/core";

/** Runs probe batches in this process, a few at a time, as Lambda workers would in parallel. */
export class LocalProbeQueue implements ProbeQueue {
  private readonly waiting: ProbeBatch[] = [];
  private running = 0;
  private readonly delayed = new Set<NodeJS.Timeout>();
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly ctx: FleetContext,
    private readonly parallelBatches = 16,
  ) {}

  async send(batches: ProbeBatch[], options: { delaySeconds?: number } = {}): Promise<void> {
    if (this.closed) return;
    if (options.delaySeconds) {
      const timer = setTimeout(() => {
        this.delayed.delete(timer);
        this.enqueue(batches);
      }, options.delaySeconds * 1000);
      timer.unref();
      this.delayed.add(timer);
      return;
    }
    this.enqueue(batches);
  }

  /** Resolves when every batch sent so far (not delayed ones) has run. */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.delayed) clearTimeout(timer);
    this.waiting.length = 0;
    await this.idle();
  }

  private enqueue(batches: ProbeBatch[]): void {
    this.waiting.push(...batches);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.parallelBatches && this.waiting.length > 0) {
      const batch = this.waiting.shift()!;
      this.running++;
      runProbeBatch(this.ctx, batch)
        .catch((error: unknown) => this.ctx.signals?.log.error("probe batch failed", { at: batch.at, error: String(error) }))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
    if (this.running === 0 && this.waiting.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }
}

export interface TickOptions {
  at?: Date;
  /** Default: every metrics interval, by the cycle's position in time. */
  metrics?: boolean;
}

export class ProbeScheduler {
  private handle: NodeJS.Timeout | undefined;
  private current: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly ctx: FleetContext,
    readonly queue: LocalProbeQueue,
  ) {}

  /** One health cycle now: dispatch, then wait until its batches have run. Tests drive cycles with this. */
  tick(options: TickOptions = {}): Promise<Dispatched> {
    // Cycles never overlap: a tick asked for while one runs starts after it.
    const run = this.current.catch(() => undefined).then(() => this.runCycle(options));
    this.current = run;
    return run;
  }

  private async runCycle(options: TickOptions): Promise<Dispatched> {
    const at = options.at ?? this.ctx.clock.now();
    const { healthIntervalSeconds, metricsIntervalSeconds } = this.ctx.config.probes;
    const cycle = Math.floor(at.getTime() / 1000 / healthIntervalSeconds);
    const metrics = options.metrics ?? cycle % (metricsIntervalSeconds / healthIntervalSeconds) === 0;
    const dispatched = await dispatchProbes(this.ctx, this.queue, { at, metrics });
    await this.queue.idle();
    return dispatched;
  }

  start(): void {
    this.stopped = false;
    this.scheduleNext();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.handle);
    await this.queue.close();
    await this.current;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const intervalMs = this.ctx.config.probes.healthIntervalSeconds * 1000;
    const now = Date.now();
    this.handle = setTimeout(
      () => {
        this.tick()
          .catch((error: unknown) => this.ctx.signals?.log.error("probe cycle failed", { error: String(error) }))
          .finally(() => this.scheduleNext());
      },
      intervalMs - (now % intervalMs),
    );
    this.handle.unref();
  }
}
