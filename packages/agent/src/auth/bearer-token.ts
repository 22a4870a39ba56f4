// Bearer token check in constant time, so response timing does not leak how much of a guess was right.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/** Hashing both sides first gives equal-length buffers, so neither the length nor the prefix leaks. */
export function bearerTokenMatches(authorization: string | undefined, expected: string): boolean {
  const presented = authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length).trim() : "";
  const same = timingSafeEqual(digest(presented), digest(expected));
  return same && presented.length > 0;
}
