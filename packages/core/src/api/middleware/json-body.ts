// Refuses a JSON body the store could not hold (too deep, non-finite or out-of-range numbers, lone surrogates,
// prototype keys) before any route's schema sees it: one check for every route, present and future.
import type { MiddlewareHandler } from "hono";
import { ValidationFailed } from "../../errors.js";
import { findUnstorable } from "../../store/storable.js";
import type { ApiEnv } from "../env.js";

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export const storableJsonBody: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]!.trim();
  if (JSON_MEDIA_TYPE.test(mediaType)) {
    let body: unknown;
    try {
      // Hono caches the parsed body: the route's validator reads this same value (or the same parse error).
      body = await c.req.json();
    } catch {
      return next();
    }
    const problem = findUnstorable(body);
    if (problem) throw new ValidationFailed("request is invalid", [problem]);
  }
  return next();
};
