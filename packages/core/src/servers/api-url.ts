// Which agent URLs the control plane will call: http(s) only, and in production no plain http and no
// link-local or instance-metadata addresses (they would let a registrant probe the control plane's own host).
import { isIP } from "node:net";
import { isNonRoutable } from "../agents/routable-address.js";
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
    if (isMetadataOrLinkLocal(url.hostname)) throw invalid("api_url must not point at a loopback, link-local, metadata or non-routable address");
  }
  return url.toString().replace(/\/$/, "");
}

/** By the URL's text (names are resolved again at every connection, see agents/routable-address.ts). */
function isMetadataOrLinkLocal(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.+$/, "");
  if (isIP(host)) return isNonRoutable(host);
  return ["localhost", "metadata", "metadata.google.internal", "instance-data", "instance-data.ec2.internal"].includes(host);
}

function invalid(message: string): ValidationFailed {
  return new ValidationFailed(message, [{ path: "api_url", message }]);
}
