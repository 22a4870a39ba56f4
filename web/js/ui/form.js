// Form fields with labels, hints and per-field errors taken from the error envelope's details.
import { ApiError } from "../api.js";
import { h, uniqueId } from "./dom.js";
import { describeError, errorNotice } from "./notice.js";

/**
 * A labelled field; `control` is an input/select/textarea whose name matches the API field.
 * @param {string} labelText
 * @param {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} control
 * @param {string} [hint]
 */
export function field(labelText, control, hint) {
  const id = control.id || uniqueId(`f-${control.name}`);
  control.id = id;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return h(
    "div",
    { class: "field", dataset: { field: control.name } },
    h("label", { for: id }, labelText),
    control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errorId, hidden: true }),
  );
}

/** @param {HTMLFormElement} form */
export function clearErrors(form) {
  for (const p of /** @type {NodeListOf<HTMLElement>} */ (form.querySelectorAll(".field-error"))) {
    p.textContent = "";
    p.hidden = true;
  }
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  form.querySelector(".form-status")?.replaceChildren();
}

/**
 * Shows a failed submit: each `details` entry next to its field (by the path's first segment: "tags.0" → tags),
 * the rest in the form's status area. Focuses the first invalid field.
 * @param {HTMLFormElement} form
 * @param {unknown} error
 */
export function showErrors(form, error) {
  clearErrors(form);
  const status = form.querySelector(".form-status");
  /** @type {string[]} */
  const unplaced = [];
  /** @type {HTMLElement | undefined} */
  let first;
  // One message per field: the API may report the same problem for several items ("tags.0", "tags.1").
  /** @type {Map<Element, Set<string>>} */
  const shown = new Map();
  const details = error instanceof ApiError ? error.details : [];
  for (const detail of details) {
    // The most specific field first: "parameters.services.0" → "parameters.services" → "parameters".
    const parts = String(detail.path ?? "")
      .split(/[.[]/)
      .filter(Boolean);
    let wrapper = null;
    for (let n = parts.length; n > 0 && !wrapper; n--)
      wrapper = form.querySelector(`.field[data-field="${CSS.escape(parts.slice(0, n).join("."))}"]`);
    const p = /** @type {HTMLElement | null | undefined} */ (wrapper?.querySelector(".field-error"));
    if (!wrapper || !p) {
      unplaced.push(detail.path ? `${detail.path}: ${detail.message}` : detail.message);
      continue;
    }
    const messages = shown.get(p) ?? new Set();
    shown.set(p, messages.add(detail.message));
    p.textContent = [...messages].join(" ");
    p.hidden = false;
    const control = wrapper.querySelector("input, select, textarea");
    control?.setAttribute("aria-invalid", "true");
    first ??= /** @type {HTMLElement | null} */ (control) ?? undefined;
  }
  if (status) {
    const summary = details.length ? "Please correct the highlighted fields." : describeError(error);
    status.replaceChildren(
      details.length
        ? h("div", { class: "notice error", role: "alert" }, summary, ...unplaced.map((u) => h("div", {}, u)))
        : errorNotice(error),
    );
  }
  first?.focus();
}

/**
 * "a, b  c" → ["a", "b", "c"]; empty → undefined.
 * @param {unknown} value
 */
export function list(value) {
  const items = String(value ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/**
 * Empty string → undefined, so optional fields are simply not sent.
 * @param {unknown} value
 */
export function optional(value) {
  const text = String(value ?? "").trim();
  return text ? text : undefined;
}
