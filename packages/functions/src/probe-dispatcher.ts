// Lambda entry point for the probe schedule (EventBridge Scheduler, once a minute): sends the minute's
// probe batches to the queue, the half-minute wave delayed by SQS.
import { SQSClient } from "@aws-sdk/client-sqs";
import { dispatchMinute } from "@fleetplane/core/probes/dispatch";
import { SqsProbeQueue } from "@fleetplane/core/probes/sqs";
import { unhealthyServers } from "@fleetplane/core/summary/unhealthy-servers";
import { awsContext } from "./aws-context.js";
import { beginInvocation, lambdaTelemetry, type LambdaContext } from "./lambda-telemetry.js";
import { traced } from "./tracing.js";

const telemetry = lambdaTelemetry("probe-dispatcher");

export async function handler(event: { time?: string }, context?: LambdaContext): Promise<{ servers: number; batches: number }> {
  beginInvocation(telemetry, context);
  const ctx = awsContext(telemetry, { probeQueue: (url) => new SqsProbeQueue(url, traced(new SQSClient({}))) });
  if (!ctx.probeQueue)
    throw new Error("Fleetplane configuration is invalid:\n  FLEETPLANE_PROBE_QUEUE_URL: required by the probe dispatcher");
  // The schedule's own time, so a late or retried invocation still stamps its minute.
  const at = event.time ? new Date(event.time) : ctx.clock.now();
  const dispatched = await dispatchMinute(ctx, ctx.probeQueue, at);
  telemetry.logger.info("probes dispatched", { at: at.toISOString(), servers: dispatched.servers, batches: dispatched.batches.length });
  telemetry.metric("ActiveServers", dispatched.servers);
  // The fleet's health as the organizations' summaries count it, once a minute (the dashboard's gauge).
  const organizations = dispatched.batches.flatMap((batch) => batch.groups.map((group) => group.organization_id));
  try {
    telemetry.metric("UnhealthyServers", await unhealthyServers(ctx.table, organizations));
  } catch (error) {
    // The batches are queued already: a failed gauge read is not worth the schedule's retry.
    telemetry.logger.warn("unhealthy servers not counted", { error: String(error) });
  }
  telemetry.flush();
  return { servers: dispatched.servers, batches: dispatched.batches.length };
}
