// The workflow port's AWS adapter: one Step Functions execution per operation, named after it so a repeated start is harmless.
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { OperationRef, OperationWorkflows } from "./workflows.js";

export class StepFunctionsWorkflows implements OperationWorkflows {
  constructor(
    private readonly stateMachineArn: string,
    private readonly client = new SFNClient({}),
  ) {}

  async start(operation: OperationRef): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          // Execution names are unique per state machine for 90 days: the same operation never runs twice at once.
          name: operation.operation_id,
          input: JSON.stringify(operation),
        }),
      );
    } catch (error) {
      // Same name with the same input is answered as success by Standard workflows; a different input cannot happen here.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }
}
