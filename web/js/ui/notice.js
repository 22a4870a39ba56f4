// Error and status messages: what an ApiError means for the operator (401 signs out, 403 names the role problem).
import { ApiError } from "../api.js";
import { h } from "./dom.js";

export const UNAUTHORIZED_EVENT = "fleetplane:unauthorized";

/**
 * The sentence an operator reads for a failed call.
 * @param {unknown} error
 */
export function describeError(error) {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (error.status === 403) return `Your key's role can't do this. ${error.message}`;
  if (error.status === 401) return "Your key was not accepted. Sign in again.";
  if (error.status === 429) return "Too many requests: the API is rate limiting this key. Try again in a moment.";
  if (error.status >= 500) return "The API failed to handle this request. Try again; if it persists, check the API's logs.";
  return error.message;
}

/**
 * An alert box for a failure; a 401 also sends the operator back to sign-in.
 * @param {unknown} error
 */
export function errorNotice(error) {
  if (error instanceof ApiError && error.status === 401) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT));
  const forbidden = error instanceof ApiError && error.status === 403;
  return h("div", { class: `notice ${forbidden ? "forbidden" : "error"}`, role: "alert" }, describeError(error));
}

/** @param {string} message */
export function infoNotice(message) {
  return h("p", { class: "notice info", role: "status" }, message);
}

/**
 * A 404 from a section's own endpoint: that capability is not deployed on this API yet.
 * @param {unknown} error
 */
export function isUnavailable(error) {
  return error instanceof ApiError && (error.status === 404 || error.status === 501);
}
