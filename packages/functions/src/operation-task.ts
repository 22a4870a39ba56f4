// One bulk-operation task as a Lambda handler: the domain task function, with its log lines correlated to the
// operation (and server position) it works on, and a failure logged before Step Functions sees it. The servers
// it finishes are counted by the domain where their result is recorded (record-result.ts).
import { OPERATION_TASKS } from "@fleetplane/core/operations/tasks";
import { awsContext } from "./aws-context.js";
import { beginInvocation, lambdaTelemetry, type LambdaContext } from "./lambda-telemetry.js";

interface TaskInput {
  organization_id?: unknown;
  operation_id?: unknown;
  position?: unknown;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

export function operationTaskHandler(
  task: keyof typeof OPERATION_TASKS,
  service: string,
): (input: unknown, context?: LambdaContext) => Promise<unknown> {
  const telemetry = lambdaTelemetry(service);
  const ctx = awsContext(telemetry);
  return async (input, context) => {
    beginInvocation(telemetry, context);
    const step = (input ?? {}) as TaskInput;
    telemetry.correlate({ organization_id: text(step.organization_id), operation_id: text(step.operation_id) });
    try {
      const output = await OPERATION_TASKS[task](ctx, input);
      telemetry.logger.debug("operation task done", { task, position: step.position });
      return output;
    } catch (error) {
      telemetry.logger.error("operation task failed", { task, position: step.position, error: String(error) });
      throw error;
    } finally {
      telemetry.flush();
    }
  };
}
