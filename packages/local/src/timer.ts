// A repeating background task that never overlaps itself and finishes its current run on stop.
export class Timer {
  private handle: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<unknown>,
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

  private schedule(): void {
    if (this.stopped) return;
    this.handle = setTimeout(() => {
      this.running = this.task()
        .catch((error: unknown) => console.error(JSON.stringify({ level: "error", msg: `${this.name} failed`, error: String(error) })))
        .finally(() => this.schedule());
    }, this.intervalMs);
    this.handle.unref();
  }
}
