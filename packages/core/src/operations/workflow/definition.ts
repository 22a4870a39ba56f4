// The bulk-operation state machine (Amazon States Language), defined once: CDK deploys this object and the
// local runtime runs it with aws-local-stepfunctions. Task resources are `${...}` definition substitutions,
// filled with the task functions' ARNs by CloudFormation and mapped to the same handlers locally.
import { AgentUnavailable } from "../kinds/kind.js";
import { OperationCancelled, ServersStillRunning } from "./workflow-errors.js";

/** The four task functions, by the substitution variable CDK fills with each one's ARN. */
export const TASK_FUNCTIONS = {
  prepare: "PrepareFunctionArn",
  runOnServer: "RunOnServerFunctionArn",
  recordResult: "RecordResultFunctionArn",
  finalize: "FinalizeFunctionArn",
} as const;
export type TaskName = keyof typeof TASK_FUNCTIONS;

/** Every Task state and the task function it invokes (state names are unique across the whole machine). */
export const TASK_STATES: Record<string, TaskName> = {
  "Prepare operation": "prepare",
  "Run on server": "runOnServer",
  "Record result": "recordResult",
  "Run on server (distributed)": "runOnServer",
  "Record result (distributed)": "recordResult",
  "Finalize operation": "finalize",
};

/** Retry settings for transient agent failures (the same idempotency key is sent every time). */
export const AGENT_RETRY = { IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: "FULL" } as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type StateMachineDefinition = { StartAt: string; States: Record<string, Json>; Comment?: string };

const resource = (task: TaskName) => `\${${TASK_FUNCTIONS[task]}}`;

/** Lambda's own throttling and service errors are always worth retrying. */
const LAMBDA_SERVICE_RETRY = {
  ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
  IntervalSeconds: 1,
  MaxAttempts: 3,
  BackoffRate: 2,
  JitterStrategy: "FULL",
};

/** Bookkeeping tasks are idempotent (conditional writes), so any failure of theirs is retried. */
const BOOKKEEPING_RETRY = {
  ErrorEquals: ["States.TaskFailed"],
  IntervalSeconds: 1,
  MaxAttempts: 3,
  BackoffRate: 2,
  JitterStrategy: "FULL",
};

const TO_FINALIZE = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "Finalize operation" }];

/**
 * Finalize waits this way for servers still mid-call when a cancel ended the Map: about 17 minutes in all,
 * beyond the longest task (timeout_seconds ≤ 600 plus grace); Finalize stops waiting for overdue ones itself.
 */
export const CANCEL_DRAIN_RETRY = {
  ErrorEquals: [ServersStillRunning.errorName],
  IntervalSeconds: 1,
  MaxAttempts: 40,
  BackoffRate: 1.5,
  MaxDelaySeconds: 30,
};

/**
 * One server: run (with retries only for transient agent failures); "Run on server" records what it ran
 * itself, so "Record result" runs only for what it could not record (a caught failure, a skipped target).
 * A target reached after a cancel ends the iteration in a Fail state, which ends the Map: the remaining
 * targets cost no iteration and no invocation; Finalize marks them cancelled in one pass.
 */
function serverSteps(suffix: string): StateMachineDefinition {
  const run = `Run on server${suffix}`;
  const recorded = `Recorded by the run?${suffix}`;
  const record = `Record result${suffix}`;
  const done = `Server done${suffix}`;
  const cancelled = `Stop: operation cancelled${suffix}`;
  return {
    StartAt: run,
    States: {
      [run]: {
        Type: "Task",
        Resource: resource("runOnServer"),
        // The agent call's own timeout ends first; this only bounds a task that hangs for another reason.
        TimeoutSecondsPath: "$.task_timeout_seconds",
        ResultPath: "$.outcome",
        Retry: [{ ErrorEquals: [AgentUnavailable.errorName], ...AGENT_RETRY }, LAMBDA_SERVICE_RETRY],
        Catch: [
          { ErrorEquals: [OperationCancelled.errorName], Next: cancelled },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: record },
        ],
        Next: recorded,
      },
      [recorded]: {
        Type: "Choice",
        Choices: [{ Variable: "$.outcome.outcome", StringEquals: "done", Next: done }],
        Default: record,
      },
      // Each iteration's output is collected into the Map's result; keep it empty so 10,000 servers stay far below 256 KiB.
      [done]: { Type: "Succeed", OutputPath: null },
      [cancelled]: { Type: "Fail", Error: OperationCancelled.errorName, Cause: "the operation was cancelled: no further server starts" },
      [record]: {
        Type: "Task",
        Resource: resource("recordResult"),
        TimeoutSeconds: 60,
        Retry: [LAMBDA_SERVICE_RETRY, BOOKKEEPING_RETRY],
        // Each iteration's output is collected into the Map's result; keep it empty so 10,000 servers stay far below 256 KiB.
        ResultPath: null,
        OutputPath: null,
        End: true,
      },
    },
  };
}

/** What each iteration receives: the operation, the target's position in the stored target list, and the task timeout. */
const ITEM_SELECTOR = {
  "organization_id.$": "$.organization_id",
  "operation_id.$": "$.operation_id",
  "operation_type.$": "$.operation_type",
  "position.$": "$$.Map.Item.Value",
  "task_timeout_seconds.$": "$.task_timeout_seconds",
};

export function operationStateMachine(): StateMachineDefinition {
  return {
    Comment: "Fleetplane bulk operation: prepare, run on each target server (MaxConcurrency, max_errors, cancel), finalize",
    StartAt: "Prepare operation",
    States: {
      "Prepare operation": {
        Type: "Task",
        Resource: resource("prepare"),
        TimeoutSeconds: 60,
        Retry: [LAMBDA_SERVICE_RETRY, BOOKKEEPING_RETRY],
        Catch: TO_FINALIZE,
        Next: "Choose Map mode",
      },
      "Choose Map mode": {
        Type: "Choice",
        Choices: [
          { Variable: "$.map_mode", StringEquals: "inline", Next: "Run on servers" },
          { Variable: "$.map_mode", StringEquals: "distributed", Next: "Run on servers (distributed)" },
        ],
        Default: "Finalize operation",
      },
      "Run on servers": {
        Type: "Map",
        ItemsPath: "$.positions",
        MaxConcurrencyPath: "$.max_concurrency",
        ItemSelector: ITEM_SELECTOR,
        ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, ...serverSteps("") },
        ResultPath: null,
        Catch: TO_FINALIZE,
        Next: "Finalize operation",
      },
      // Past the inline Map's limits (history of 25,000 events, 40 iterations at once) each server runs as a
      // child execution. Standard children: a server may take up to timeout_seconds × 3 with retries, beyond Express's 5 minutes.
      "Run on servers (distributed)": {
        Type: "Map",
        Label: "Servers",
        ItemsPath: "$.positions",
        MaxConcurrencyPath: "$.max_concurrency",
        ItemSelector: ITEM_SELECTOR,
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, ...serverSteps(" (distributed)") },
        ResultPath: null,
        Catch: TO_FINALIZE,
        Next: "Finalize operation",
      },
      "Finalize operation": {
        Type: "Task",
        Resource: resource("finalize"),
        TimeoutSeconds: 300,
        Retry: [CANCEL_DRAIN_RETRY, LAMBDA_SERVICE_RETRY, BOOKKEEPING_RETRY],
        End: true,
      },
    },
  };
}

/** Fills the `${...}` task resources as CloudFormation's DefinitionSubstitutions do (the local runner uses this). */
export function withTaskResources(definition: StateMachineDefinition, arns: Record<TaskName, string>): StateMachineDefinition {
  let text = JSON.stringify(definition);
  for (const [task, variable] of Object.entries(TASK_FUNCTIONS) as Array<[TaskName, string]>)
    text = text.split(`\${${variable}}`).join(arns[task]);
  return JSON.parse(text) as StateMachineDefinition;
}
