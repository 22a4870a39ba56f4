// Operation progress as a native <progress> bar with its percentage spelled out.
import { h } from "./dom.js";
import { number } from "./format.js";

/** @param {{ progress_percent?: number, failed_servers: number }} op */
export function progressBar(op) {
  const value = typeof op.progress_percent === "number" ? op.progress_percent : 0;
  return h(
    "div",
    { class: "progress" },
    h("progress", {
      max: 100,
      value,
      "aria-label": `Progress ${number(value, 1)} percent`,
      class: op.failed_servers ? "has-failures" : "",
    }),
    h("span", { class: "progress-label" }, `${number(value, 0)} %`),
  );
}

export const FINISHED = new Set(["completed", "partial", "failed", "cancelled"]);
