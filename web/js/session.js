// The operator's session: API base URL, key and role, kept in sessionStorage (this tab only, gone when it closes).
// Never localStorage: a key there would outlive the tab and be readable by any later page on this origin.

const STORAGE_KEY = "fleetplane.session";

/** @returns {{ baseUrl: string, key: string, role: string } | null} */
export function loadSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null");
    return session && typeof session.key === "string" && typeof session.baseUrl === "string" ? session : null;
  } catch {
    return null;
  }
}

/** @param {{ baseUrl: string, key: string, role: string }} session */
export function saveSession(session) {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * "https://api.example.com/" or ".../api/v1/fleet" → "https://api.example.com"; empty → this page's origin.
 * @param {unknown} input
 */
export function normalizeBaseUrl(input) {
  const text = String(input ?? "").trim();
  if (!text) return location.origin;
  const url = new URL(text, location.origin);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("The API URL must start with https:// (or http:// locally).");
  const path = url.pathname
    .replace(/\/+$/, "")
    .replace(/\/api\/v1\/fleet$/, "")
    .replace(/\/api\/v1$/, "");
  return `${url.origin}${path}`;
}
