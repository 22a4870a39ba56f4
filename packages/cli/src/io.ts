// Where a command writes: stdout for results, stderr for errors and progress, colours only on a terminal.

export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIO {
  stdout: Stream;
  stderr: Stream;
  /** For questions (Ctrl-C during ops run --wait, login without --key); absent when not interactive. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export interface OutputMode {
  json: boolean;
  quiet: boolean;
  color: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(mode: OutputMode, colour: Colour, text: string): string {
  return mode.color ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

/** Colours go to a terminal only, and never when NO_COLOR is set or --no-color given. */
export function colourWanted(stream: Stream, env: Record<string, string | undefined>, noColor: boolean): boolean {
  return Boolean(stream.isTTY) && !noColor && !env.NO_COLOR && env.TERM !== "dumb";
}

const ANSI = /\u001b\[[0-9;]*m/g;
const width = (text: string) => text.replace(ANSI, "").length;

/** Columns aligned to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat(widths[i]! - width(cell))))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n") + "\n";
}

/** `key  value` lines for one record. */
export function fields(record: Record<string, unknown>): string {
  const rows = Object.entries(record).map(([key, value]) => [key, cell(value)]);
  return table(["FIELD", "VALUE"], rows).split("\n").slice(1).join("\n");
}

/** A value as one table cell: null is "-", lists are comma-separated, objects are JSON. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === "") return "-";
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(",") : "-";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
