// A live progress line on stderr (a terminal only): counts of a total, rate and elapsed time.
import type { OutputMode, Stream } from "./io.js";
import { paint } from "./io.js";

export interface ProgressCounts {
  total: number;
  succeeded: number;
  failed: number;
  running?: number;
  skipped?: number;
}

export class ProgressBar {
  private readonly started = Date.now();
  private drawn = false;

  constructor(
    private readonly stream: Stream,
    private readonly mode: OutputMode,
    private readonly label: string,
  ) {}

  /** Whether the bar draws at all: only on a terminal and not with --quiet or --json. */
  get live(): boolean {
    return Boolean(this.stream.isTTY) && !this.mode.quiet && !this.mode.json;
  }

  update(counts: ProgressCounts): void {
    if (!this.live) return;
    this.stream.write(`\r\u001b[2K${this.render(counts)}`);
    this.drawn = true;
  }

  /** Leaves the last drawing on its own line. */
  done(): void {
    if (this.drawn) this.stream.write("\n");
    this.drawn = false;
  }

  /** Clears the line so a question or message can be written. */
  clear(): void {
    if (this.drawn) this.stream.write("\r\u001b[2K");
    this.drawn = false;
  }

  render({ total, succeeded, failed, running = 0, skipped = 0 }: ProgressCounts): string {
    const finished = succeeded + failed + skipped;
    const slots = 24;
    const filled = total > 0 ? Math.round((finished / total) * slots) : 0;
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? finished / seconds : 0;
    const bar = "#".repeat(filled) + "-".repeat(slots - filled);
    const parts = [
      `${this.label} [${bar}] ${finished}/${total}`,
      paint(this.mode, "green", `succeeded ${succeeded}`),
      paint(this.mode, failed ? "red" : "dim", `failed ${failed}`),
      `running ${running}`,
      paint(this.mode, skipped ? "yellow" : "dim", `skipped ${skipped}`),
      `${rate.toFixed(1)}/s`,
      elapsed(seconds),
    ];
    return parts.join("  ");
  }
}

export function elapsed(seconds: number): string {
  const s = Math.floor(seconds);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}
