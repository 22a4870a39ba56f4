// The Step Functions workflows adapter with its traced client, imported when the API first starts an operation.
import { SFNClient } from "@aws-sdk/client-sfn";
import { StepFunctionsWorkflows } from "@fleetplane/core/operations/step-functions";
import { traced } from "../tracing.js";

export function stepFunctionsWorkflows(stateMachineArn: string): StepFunctionsWorkflows {
  return new StepFunctionsWorkflows(stateMachineArn, traced(new SFNClient({})));
}
