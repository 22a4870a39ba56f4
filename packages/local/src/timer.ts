// A repeating background task that never overlaps itself and finishes its current run on stop.
import type { FleetLog } from "@fleetplane/core/observability/signals";

export class Timer {
  private handle: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private soon = false;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly log?: FleetLog,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.handle);
    await this.running;
  }

  /** Runs the task at the next turn of the event loop (after the current run, if one is under way). */
  runSoon(): void {
    if (this.stopped || this.soon) return;
    this.soon = true;
    clearTimeout(this.handle);
    this.handle = setTimeout(() => this.fire(), 0);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.handle = setTimeout(() => this.fire(), this.intervalMs);
    this.handle.unref();
  }

  private fire(): void {
    this.running = this.running.then(() => {
      this.soon = false;
      return this.task()
        .catch((error: unknown) => this.log?.error(`${this.name} failed`, { error: String(error) }))
        .finally(() => {
          if (!this.soon) this.schedule();
        });
    });
  }
}
