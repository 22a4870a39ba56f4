// The web console's security and caching headers, one definition for the local server (console.ts) and the
// CloudFront response-headers policy and S3 deployment of the deployed site (stacks/Console.ts).

/** Hashed bundle files never change under their name. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** index.html, favicon.svg and config.json are revalidated on every load, so a deploy takes effect on the next one. */
export const REVALIDATE = "no-cache";

/** The file the console reads at start for the API it talks to (written by the deploy, served by `npm start`). */
export const CONSOLE_CONFIG_FILE = "config.json";

/** config.json's body: where the console sends its API calls. */
export interface ConsoleConfig {
  api_url: string;
}

/**
 * The Content-Security-Policy of the console. Everything is its own bundle, so only `connect-src` varies: locally
 * the API shares the console's origin ('self'); in AWS it is API Gateway on another origin, passed in here.
 */
export function consoleContentSecurityPolicy(apiOrigins: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...apiOrigins].join(" ")}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Framing, MIME sniffing and referrers: the same everywhere. */
export const CONSOLE_FRAME_OPTIONS = "DENY";
export const CONSOLE_REFERRER_POLICY = "no-referrer";

/** HSTS for the deployed site (HTTPS only; the local server on 127.0.0.1 speaks HTTP and sends none). */
export const CONSOLE_HSTS = { maxAgeSeconds: 63_072_000, includeSubdomains: true } as const;

/** The headers of every console response, as the local server sends them. */
export function consoleSecurityHeaders(apiOrigins: readonly string[] = []): Record<string, string> {
  return {
    "Content-Security-Policy": consoleContentSecurityPolicy(apiOrigins),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": CONSOLE_FRAME_OPTIONS,
    "Referrer-Policy": CONSOLE_REFERRER_POLICY,
  };
}
