// Time-series charts (uPlot, bundled with the console: no CDN, CSP intact) with the hovered values in the legend,
// and the small range switch and health strip the detail pages share.
import uPlot from "uplot";
import { h } from "./dom.js";
import { bytes, number } from "./format.js";

/** @import { MetricsPoint, HealthCheck } from "../api-types.js" */
/** @typedef {"percent" | "bytes" | "count"} Unit */

/**
 * Range → [seconds, period]: the period the API rolls up to, so a chart holds at most a few hundred points.
 * @type {Record<string, [number, "1m" | "5m" | "1h" | "1d"]>}
 */
export const RANGES = {
  "1h": [3600, "1m"],
  "24h": [86_400, "5m"],
  "7d": [7 * 86_400, "1h"],
  "30d": [30 * 86_400, "1d"],
};

const COLOURS = ["#1f4fd1", "#1a7f45", "#9a6400", "#c0262d", "#6b3fb5"];
/** @type {Record<Unit, (v: number | null | undefined) => string>} */
const FORMATS = {
  percent: (v) => (v === null || v === undefined ? "—" : `${number(v, 1)} %`),
  bytes: (v) => (v === null || v === undefined ? "—" : bytes(v)),
  count: (v) => (v === null || v === undefined ? "—" : number(v, 1)),
};

/**
 * A chart of `points` (API metrics points, oldest first): one line per `series` entry ([field, label]).
 * The figure carries `data-points` (how many points were drawn) so tests and readers can tell it has data.
 * @param {{ id: string, title: string, points: readonly Record<string, unknown>[], series: [string, string][], unit?: Unit, height?: number }} chart
 */
export function timeChart({ id, title, points, series, unit = "percent", height = 180 }) {
  const figure = h("figure", { class: "chart", id, dataset: { points: String(points.length) } }, h("figcaption", {}, title));
  if (points.length === 0) {
    figure.append(h("p", { class: "muted" }, "No data in this range."));
    return figure;
  }
  const xs = points.map((p) => Date.parse(String(p.timestamp)) / 1000);
  const data = [xs, ...series.map(([field]) => points.map((p) => (typeof p[field] === "number" ? p[field] : null)))];
  const format = FORMATS[unit];
  // Drawn once the figure is in the page, at the width it gets there.
  whenConnected(figure, () => {
    const width = Math.max(260, figure.clientWidth || 600);
    // Axis text and grid follow the theme (light or dark) the page is drawn in.
    const ink = getComputedStyle(figure).color;
    const grid = { stroke: "rgba(128, 140, 155, 0.25)", width: 1 };
    /** @type {uPlot.Options} */
    const options = {
      width,
      height,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { y: unit === "percent" ? { range: [0, 100] } : { range: (_u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { stroke: ink, grid, ticks: grid },
        { stroke: ink, grid, ticks: grid, values: (_u, ticks) => ticks.map(format), size: unit === "bytes" ? 70 : 50 },
      ],
      series: [
        {},
        ...series.map(([, label], i) => ({
          label,
          stroke: COLOURS[i % COLOURS.length],
          width: 1.5,
          value: (/** @type {uPlot} */ _u, /** @type {number | null} */ v) => format(v),
          spanGaps: true,
        })),
      ],
    };
    /** @type {HTMLElement & { chart?: uPlot }} */ (figure).chart = new uPlot(options, /** @type {uPlot.AlignedData} */ (data), figure);
  });
  return figure;
}

/**
 * Buttons 1h / 24h / 7d / 30d; `choose(range)` redraws.
 * @param {string} current
 * @param {(range: string) => void} choose
 */
export function rangeSwitch(current, choose) {
  return h(
    "div",
    { class: "range-switch", role: "group", "aria-label": "Time range" },
    Object.keys(RANGES).map((range) =>
      h(
        "button",
        { type: "button", class: "button subtle", "aria-pressed": String(range === current), onclick: () => choose(range) },
        range,
      ),
    ),
  );
}

/**
 * Health over time as a strip of coloured segments (oldest left), one per check; each says its status and time.
 * Widths are set through the CSSOM, which the console's CSP allows (style attributes it does not).
 * @param {readonly HealthCheck[]} checks
 * @param {number} from
 * @param {number} to
 */
export function healthStrip(checks, from, to) {
  const strip = h("div", { class: "health-strip", id: "health-timeline", role: "img", dataset: { checks: String(checks.length) } });
  const ordered = [...checks].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  /** @type {Record<string, number>} */
  const counts = {};
  let previous = from;
  for (const [i, check] of ordered.entries()) {
    const start = Date.parse(check.timestamp);
    const end = i + 1 < ordered.length ? Date.parse(ordered[i + 1].timestamp) : to;
    if (i === 0 && start > previous) {
      const gap = h("span", { class: "segment none", title: "no checks" });
      gap.style.flexGrow = String(start - previous);
      strip.append(gap);
    }
    const segment = h("span", { class: `segment status-${check.status}`, title: `${check.status} at ${new Date(start).toLocaleString()}` });
    segment.style.flexGrow = String(Math.max(1, end - start));
    strip.append(segment);
    counts[check.status] = (counts[check.status] ?? 0) + 1;
    previous = end;
  }
  strip.setAttribute(
    "aria-label",
    ordered.length
      ? `Health checks: ${Object.entries(counts)
          .map(([s, n]) => `${n} ${s}`)
          .join(", ")}`
      : "No health checks in this range",
  );
  return strip;
}

/**
 * @param {Element} el
 * @param {() => void} draw
 */
function whenConnected(el, draw, frames = 120) {
  if (el.isConnected) draw();
  else if (frames > 0) requestAnimationFrame(() => whenConnected(el, draw, frames - 1));
}
