// Status pills: health (healthy green … unknown grey), lifecycle, operation and per-server progress.
import { h } from "./dom.js";
import { label } from "./format.js";

/** @type {Record<string, string>} */
const TONES = {
  // health_status
  healthy: "good",
  degraded: "warn",
  critical: "bad",
  unreachable: "down",
  unknown: "muted",
  // server status
  active: "good",
  inactive: "muted",
  maintenance: "info",
  decommissioned: "muted",
  // fleet status
  green: "good",
  amber: "warn",
  red: "bad",
  // operations and their targets
  pending: "muted",
  running: "info",
  completed: "good",
  succeeded: "good",
  partial: "warn",
  failed: "bad",
  cancelling: "warn",
  cancelled: "muted",
  skipped: "muted",
};

/** @param {string | null | undefined} status */
export function badge(status) {
  const value = status ?? "unknown";
  return h("span", { class: `badge tone-${TONES[value] ?? "muted"}`, dataset: { status: value } }, label(value));
}

/** @param {string} status */
export function toneOf(status) {
  return TONES[status] ?? "muted";
}
