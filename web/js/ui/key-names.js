// Who started an operation, by name: API key id → "name (role)", learnt once from GET /api-keys when the key may
// list keys (admin); other roles see the id.

/** @import { ViewContext } from "../api-types.js" */

/** @type {Map<string, string>} */
const names = new Map();
let learnt = false;

/** @param {ViewContext} ctx */
export async function learnKeyNames(ctx) {
  if (learnt || ctx.session.role !== "admin") return;
  try {
    for (const k of (await ctx.api.get("/api-keys")).items) names.set(k.id, `${k.name} (${k.role})`);
    learnt = true;
  } catch {
    // Names are a nicety; the id still identifies the key.
  }
}

/** @param {string} keyId */
export function keyName(keyId) {
  return names.get(keyId) ?? keyId;
}
