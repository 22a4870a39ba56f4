// Names people read (organizations, groups, keys): control and bidirectional-override characters are refused,
// since they hide or reorder text in the console, logs and terminals.
import { z } from "@hono/zod-openapi";
import { MAX_ID_CHARS } from "./ids.js";

const UNPRINTABLE = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export const DisplayName = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((name) => !UNPRINTABLE.test(name), "names may not contain control or bidirectional-override characters");

/** An id a client names in a path or a body. */
export const IdString = z.string().min(1).max(MAX_ID_CHARS);
