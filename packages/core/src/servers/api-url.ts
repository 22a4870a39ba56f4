// Which agent URLs the control plane will call: http(s) only, and in production no plain http and no host that is,
// by its text, a loopback, link-local, metadata or other non-routable address (it would let a registrant probe the
// control plane's own network). Names are checked at every connection, after resolution (egress/outbound-http.ts).
import { hostRefusal } from "../egress/routable-address.js";
import { ValidationFailed } from "../errors.js";

export type Mode = "production" | "development";

export function checkApiUrl(value: string, mode: Mode): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid("api_url must be an absolute http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid("api_url must use http or https");
  if (url.username || url.password) throw invalid("api_url must not carry credentials; send api_token instead");
  if (mode === "production") {
    if (url.protocol !== "https:") throw invalid("api_url must use https in production mode");
    if (hostRefusal(url.hostname)) throw invalid("api_url must not point at a loopback, link-local, metadata or non-routable address");
  }
  return url.toString().replace(/\/$/, "");
}

function invalid(message: string): ValidationFailed {
  return new ValidationFailed(message, [{ path: "api_url", message }]);
}
