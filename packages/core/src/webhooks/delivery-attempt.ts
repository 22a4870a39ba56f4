// One HTTP attempt of a webhook delivery (signed POST, bounded by the timeout, redirects not followed, in production
// mode only to a checked address; see egress/) and the retry delay.
import type { FleetContext } from "../context.js";
import type { WebhookSettings } from "../config.js";
import type { WireEvent } from "../events/fleet-event.js";
import { OutboundFailure } from "../egress/outbound-http.js";
import { signatureHeader } from "./signature.js";
import { webhookSecretBinding, webhookUrl, type WebhookItem } from "./webhooks.js";

export interface AttemptResult {
  ok: boolean;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/** How much of a receiver's answer is read (and dropped) before the connection is closed instead. */
const RECEIVER_ANSWER_READ_BYTES = 64 * 1024;

/** Decrypted secrets by ciphertext: KMS is asked once per webhook and container, not once per delivery. */
const secrets = new Map<string, string>();

export async function postEvent(ctx: FleetContext, webhook: WebhookItem, event: WireEvent): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    // Checked again at send time: the URL rules (or the mode) may have changed since the webhook was saved.
    const url = webhookUrl(ctx, webhook.url);
    let secret = secrets.get(webhook.secret_enc);
    if (secret === undefined) {
      secret = await ctx.secrets.decrypt(webhook.secret_enc, webhookSecretBinding(webhook.organization_id, webhook.id));
      secrets.set(webhook.secret_enc, secret);
    }
    const body = JSON.stringify(event);
    const response = await ctx.outbound.send(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Fleetplane-Webhooks/1",
        "fleetplane-event-id": event.id,
        "fleetplane-signature": signatureHeader(secret, body, Math.floor(ctx.clock.now().getTime() / 1000)),
      },
      body,
      timeoutMs: ctx.config.webhooks.timeoutMs,
      // The receiver's answer is not kept; reading a little of it lets the connection be reused.
      maxResponseBytes: RECEIVER_ANSWER_READ_BYTES,
      discardBody: true,
    });
    const ok = response.status >= 200 && response.status < 300;
    return { ok, status_code: response.status, duration_ms: elapsed(), error: ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, status_code: null, duration_ms: elapsed(), error: describe(error).slice(0, 500) };
  }
}

/** Delay before attempt `attempts + 1`: exponential from the base, capped, with "equal jitter" (half fixed, half random). */
export function deliveryRetry(
  settings: Pick<WebhookSettings, "retryBaseMs" | "retryMaxMs">,
  attempts: number,
  random = Math.random(),
): number {
  const ceiling = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

function describe(error: unknown): string {
  if (error instanceof OutboundFailure && error.kind === "forbidden_address") return `refused: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
