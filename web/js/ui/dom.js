// Building DOM nodes without HTML strings: every piece of data lands in a text node or an attribute.

/** @import { Attributes, Child } from "./dom-types.js" */

/**
 * h("a", { href, class, onclick, dataset }, ...children): strings become text nodes, never markup.
 * `value`, `checked`, `selected` and `disabled` are set as properties (after children, so a select finds its option).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attributes | null} [attrs]
 * @param {Child[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  /** @type {Record<string, unknown>} */
  const properties = {};
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else if (name === "class") el.className = String(value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (["value", "checked", "selected", "disabled"].includes(name)) properties[name] = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  Object.assign(el, properties);
  return el;
}

/**
 * @template {Element} E
 * @param {E} el
 * @param {readonly Child[]} children
 * @returns {E}
 */
export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/**
 * Replaces an element's children.
 * @template {Element} E
 * @param {E} el
 * @param {Child[]} children
 * @returns {E}
 */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/**
 * A hash link to a console route; path segments are encoded.
 * @param {string} route
 * @param {Child[]} children
 */
export function link(route, ...children) {
  return h("a", { href: `#${route}` }, ...children);
}

/** @param {string | number} value */
export function segment(value) {
  return encodeURIComponent(String(value));
}

let ids = 0;
/** @param {string} prefix */
export function uniqueId(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}
