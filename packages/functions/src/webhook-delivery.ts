// Lambda entry point for webhooks: fleet events from the bus (via SQS) become deliveries and are attempted at once;
// the once-a-minute scheduled invocation retries the deliveries whose time has come. Domain code does the rest.
import { EVENT_SOURCE, type WireEvent } from "@fleetplane/core/events/fleet-event";
import { deliverDue, enqueueDeliveries } from "@fleetplane/core/webhooks/deliveries";
import { awsContext } from "./aws-context.js";
import { beginInvocation, lambdaTelemetry, type LambdaContext } from "./lambda-telemetry.js";

const telemetry = lambdaTelemetry("webhook-delivery");

interface SqsEvent {
  Records: Array<{ messageId: string; body: string }>;
}

/** An EventBridge event as the rule's SQS target receives it (EventBridge adds id, account, region, resources). */
interface BusEvent {
  "detail-type": string;
  detail: WireEvent["detail"];
}

export async function handler(
  event: SqsEvent | Record<string, unknown>,
  context?: LambdaContext,
): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> } | void> {
  beginInvocation(telemetry, context);
  const ctx = awsContext(telemetry);
  if (!Array.isArray(event.Records)) {
    const attempted = await deliverDue(ctx);
    telemetry.logger.info("due webhook deliveries attempted", { attempted });
    return;
  }
  const failures: Array<{ itemIdentifier: string }> = [];
  await Promise.all(
    (event as SqsEvent).Records.map(async (record) => {
      try {
        const bus = JSON.parse(record.body) as BusEvent;
        telemetry.logger.debug("fleet event received", {
          message_id: record.messageId,
          event_id: bus.detail?.event_id,
          organization_id: bus.detail?.organization_id,
        });
        // The same body the feed serves: the event's own id, not EventBridge's.
        const wire: WireEvent = {
          id: bus.detail.event_id,
          source: EVENT_SOURCE,
          "detail-type": bus["detail-type"],
          time: bus.detail.occurred_at,
          detail: bus.detail,
        };
        const { attempts } = await enqueueDeliveries(ctx, wire);
        await attempts;
      } catch (error) {
        // Not recorded: SQS redelivers the message (recording is idempotent), then its dead-letter queue keeps it.
        telemetry.logger.error("webhook fan-out failed", { message_id: record.messageId, error: String(error) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
}
