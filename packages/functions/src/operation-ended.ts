// Lambda entry point for the rule on the operations state machine's "Execution Status Change" events: an
// execution that ended without its Finalize state (stopped by hand, timed out, failed) finalizes its operation.
import { finalizeEndedExecution } from "@fleetplane/core/operations/execution-ended";
import { awsContext } from "./aws-context.js";
import { beginInvocation, lambdaTelemetry, type LambdaContext } from "./lambda-telemetry.js";

const telemetry = lambdaTelemetry("operation-ended");
const ctx = awsContext(telemetry);

interface ExecutionStatusChange {
  detail?: { name?: unknown; status?: unknown; input?: unknown };
}

export const handler = async (event: ExecutionStatusChange, context?: LambdaContext): Promise<void> => {
  beginInvocation(telemetry, context);
  // Executions are named after their operation (step-functions-workflows.ts).
  const operationId = typeof event.detail?.name === "string" ? event.detail.name : undefined;
  telemetry.correlate({ operation_id: operationId, organization_id: organizationOf(event.detail?.input) });
  try {
    await finalizeEndedExecution(ctx, event.detail);
    telemetry.logger.info("ended execution finalized", { status: event.detail?.status });
  } catch (error) {
    telemetry.logger.error("finalizing an ended execution failed", { status: event.detail?.status, error: String(error) });
    throw error;
  } finally {
    telemetry.flush();
  }
};

function organizationOf(input: unknown): string | undefined {
  try {
    const parsed = typeof input === "string" ? (JSON.parse(input) as { organization_id?: unknown }) : undefined;
    return typeof parsed?.organization_id === "string" ? parsed.organization_id : undefined;
  } catch {
    return undefined;
  }
}
