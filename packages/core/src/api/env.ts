// The Hono environment shared by every route: the domain context and the authenticated caller.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Caller, FleetContext } from "../context.js";
import { ValidationFailed } from "../errors.js";
import { IdString } from "../names.js";

export interface ApiEnv {
  Variables: { ctx: FleetContext; caller: Caller };
}

/** A router whose request validation failures become 400s in the error envelope, with field paths. */
export function router(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const details = result.error.issues.map((issue) => {
          const path = issue.path.join(".") || "(body)";
          // A single-valued query parameter sent twice reaches its schema as an array; say so, not "received NaN".
          const repeated = result.target === "query" && issue.path.length === 1 && (c.req.queries(path)?.length ?? 0) > 1;
          return { path, message: repeated ? `${path} may be given only once` : issue.message };
        });
        throw new ValidationFailed("request is invalid", details);
      }
    },
  });
}

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi("Error");

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const errorResponses = {
  400: { description: "invalid request", content: { "application/json": { schema: ErrorBody } } },
  401: { description: "missing or unknown API key", content: { "application/json": { schema: ErrorBody } } },
  403: { description: "role too low", content: { "application/json": { schema: ErrorBody } } },
  404: { description: "not found", content: { "application/json": { schema: ErrorBody } } },
  409: { description: "conflict", content: { "application/json": { schema: ErrorBody } } },
} as const;

export const IdParam = z.object({ id: IdString.openapi({ param: { name: "id", in: "path" } }) });

export const json = <T extends z.ZodType>(schema: T, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});
