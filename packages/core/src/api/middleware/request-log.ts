// One log line per API request once it is answered: INFO for a refused request (4xx), DEBUG for the rest; a 5xx is
// logged with its cause by errors.ts. The line carries the request's correlation keys (request, organization).
import type { MiddlewareHandler } from "hono";
import type { ApiEnv } from "../env.js";

export const requestLog: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const started = performance.now();
  await next();
  const log = c.get("ctx").signals?.log;
  if (!log) return;
  const status = c.res.status;
  if (status >= 500) return;
  const fields = { method: c.req.method, path: c.req.path, status, duration_ms: Math.round(performance.now() - started) };
  if (status >= 400) log.info("request refused", fields);
  else log.debug("request answered", fields);
};
