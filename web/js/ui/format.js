// How values read in the console: times, numbers, percentages, bytes, empty values.

const EMPTY = "—";

/** @param {unknown} value */
export function text(value) {
  return value === null || value === undefined || value === "" ? EMPTY : String(value);
}

/**
 * @param {unknown} value
 * @param {number} [digits]
 */
export function number(value, digits = 0) {
  if (typeof value !== "number" || !Number.isFinite(value)) return EMPTY;
  return value.toLocaleString(undefined, { maximumFractionDigits: digits });
}

/** @param {unknown} value */
export function percent(value) {
  return typeof value === "number" && Number.isFinite(value) ? `${number(value, 1)} %` : EMPTY;
}

/** @param {unknown} value */
export function bytes(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return EMPTY;
  const units = ["B", "KB", "MB", "GB", "TB"];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit += 1;
  }
  return `${number(n, 1)} ${units[unit]}`;
}

/** @param {unknown} ms */
export function duration(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return EMPTY;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${number(ms / 1000, 1)} s`;
}

/**
 * "3 min ago" for recent times, a local date-time otherwise; the exact ISO time goes in the title.
 * @param {string | null | undefined} iso
 */
export function when(iso) {
  if (!iso) return EMPTY;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  if (seconds >= 0 && seconds < 45) return "just now";
  if (seconds >= 0 && seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds >= 0 && seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return date.toLocaleString();
}

/** @param {string} name */
export function label(name) {
  return String(name).replace(/_/g, " ");
}
