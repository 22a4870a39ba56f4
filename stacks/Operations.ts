// Operations stack: the bulk-operation state machine (its definition from packages/core, shared with the local
// runner), its four task functions, its log group and a role that may invoke those functions and nothing else.
import { ArnFormat, Duration, RemovalPolicy } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { NagSuppressions } from "cdk-nag";
import { Function, use, type StackContext } from "sst/constructs";
import { operationStateMachine, TASK_FUNCTIONS, type TaskName } from "../packages/core/src/operations/workflow/definition.js";
import { ENDED_WITHOUT_FINALIZE } from "../packages/core/src/operations/workflow/execution-ended.js";
import { MAX_TIMEOUT_SECONDS } from "../packages/core/src/operations/schema.js";
import { logRetentionDays, stackInstanceSuffix } from "./log-groups.js";
import { isProductionStage, LAMBDA_CONCURRENCY } from "./settings.js";
import { PROBE_TABLE_ACTIONS, Storage, type TableAccess } from "./Storage.js";

/**
 * Task function settings. "Run on server" waits for an agent for up to timeout_seconds (max 600) plus the
 * answer grace; its Lambda timeout must exceed that, or a slow server would look like a crashed task.
 */
export const OPERATION_TASK_FUNCTIONS: Record<
  TaskName,
  { handler: string; description: string; memorySize: `${number} MB`; timeoutSeconds: number; table: TableAccess }
> = {
  prepare: {
    // Reads the operation (a Query of its item collection), marks it running with its outbox event.
    table: { actions: ["dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem"] },
    handler: "packages/functions/src/operation-prepare.handler",
    description: "Bulk operation: mark running, hand the Map its targets",
    memorySize: "256 MB",
    timeoutSeconds: 30,
  },
  runOnServer: {
    handler: "packages/functions/src/operation-run-on-server.handler",
    description: "Bulk operation: run on one server through its agent",
    // Reads the operation, target and server, marks the target running; run_health_check writes a probe's results.
    table: { actions: PROBE_TABLE_ACTIONS },
    memorySize: "256 MB",
    timeoutSeconds: MAX_TIMEOUT_SECONDS + 60,
  },
  recordResult: {
    handler: "packages/functions/src/operation-record-result.handler",
    description: "Bulk operation: record one server's result and counters",
    // One transaction: the target, the operation's counters, the outbox event; reads the target after a failure.
    table: { actions: ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"] },
    memorySize: "256 MB",
    timeoutSeconds: 30,
  },
  finalize: {
    handler: "packages/functions/src/operation-finalize.handler",
    description: "Bulk operation: settle, choose the final status, publish",
    // Reads the operation and its open targets, settles them and the operation with its outbox event.
    table: { actions: ["dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem"] },
    memorySize: "256 MB",
    timeoutSeconds: 240,
  },
};

/** CloudWatch Logs level of the state machine: failures with their input and cause, not every transition of every server. */
export const OPERATIONS_LOG_LEVEL = sfn.LogLevel.ERROR;

export function Operations({ stack, app }: StackContext) {
  const storage = use(Storage);

  const environment: Record<string, string> = {
    FLEETPLANE_MODE: "production",
    FLEETPLANE_TABLE_NAME: storage.table.tableName,
    FLEETPLANE_KMS_KEY_ID: storage.agentTokenKey.keyArn,
  };

  const functions = Object.fromEntries(
    (Object.keys(OPERATION_TASK_FUNCTIONS) as TaskName[]).map((task) => {
      const settings = OPERATION_TASK_FUNCTIONS[task];
      const fn = new Function(stack, `Operation${task[0]!.toUpperCase()}${task.slice(1)}`, {
        handler: settings.handler,
        description: settings.description,
        memorySize: settings.memorySize,
        timeout: `${settings.timeoutSeconds} seconds`,
        environment,
        // Bounded by each operation's Map (at most LAMBDA_CONCURRENCY.operationServersInFlight); a hard
        // account-wide cap across operations is the opt-in reservation.
        ...(task === "runOnServer" ? { reservedConcurrentExecutions: LAMBDA_CONCURRENCY.reserved.runOnServer } : {}),
      });
      storage.grantTable(fn, settings.table);
      return [task, fn];
    }),
  ) as Record<TaskName, Function>;
  // Only the task that talks to agents reads their tokens.
  storage.grantTokenUnsealing(functions.runOnServer);
  // A token sealed before organization keys is re-sealed on read, which may create the organization's key.
  storage.grantTokenSealing(functions.runOnServer);

  // Under /aws/vendedlogs/ (Step Functions' advice, which keeps CloudWatch Logs' resource policy small). Production
  // keeps it after `sst remove`; the stack-instance suffix lets a redeploy create its own instead of colliding.
  const logGroup = new logs.LogGroup(stack, "StateMachineLogs", {
    logGroupName: `/aws/vendedlogs/states/fleetplane-${app.stage}-operations-${stackInstanceSuffix(stack)}`,
    retention: logRetentionDays(),
    removalPolicy: isProductionStage(app.stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });

  // Named, so the role can name the machine's own ARN (the distributed Map starts child executions of it)
  // without a dependency cycle between the role and the machine.
  const stateMachineName = `${app.stage}-fleetplane-operations`;
  const role = new iam.Role(stack, "StateMachineRole", {
    assumedBy: new iam.ServicePrincipal("states.amazonaws.com"),
    description: "Fleetplane bulk operations: invoke the four task functions, run its own distributed Map",
  });
  role.addToPolicy(
    new iam.PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: Object.values(functions).map((fn) => fn.functionArn) }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ["states:StartExecution"],
      resources: [
        stack.formatArn({
          service: "states",
          resource: "stateMachine",
          resourceName: stateMachineName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ["states:DescribeExecution", "states:StopExecution"],
      resources: [`arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${stateMachineName}/*`],
    }),
  );

  const stateMachine = new sfn.StateMachine(stack, "StateMachine", {
    stateMachineName,
    stateMachineType: sfn.StateMachineType.STANDARD,
    // The very object the local runner executes (test/stacks/operations.test.ts compares them).
    definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(operationStateMachine())),
    definitionSubstitutions: Object.fromEntries(
      (Object.keys(TASK_FUNCTIONS) as TaskName[]).map((task) => [TASK_FUNCTIONS[task], functions[task].functionArn]),
    ),
    role,
    logs: { destination: logGroup, level: OPERATIONS_LOG_LEVEL, includeExecutionData: true },
    // X-Ray traces each execution through its task functions (which SST traces too).
    tracingEnabled: true,
  });
  NagSuppressions.addResourceSuppressions(stateMachine, [
    {
      id: "AwsSolutions-SF1",
      reason: "Logs failures (OPERATIONS_LOG_LEVEL ERROR): ALL would log every transition of every server, the largest log bill",
    },
  ]);
  NagSuppressions.addResourceSuppressions(
    role,
    [
      {
        id: "AwsSolutions-IAM5",
        reason: "Describe/stop its own Distributed Map child executions, named at run time; log delivery and X-Ray take no resource",
        appliesTo: [{ regex: `/^Resource::arn:<AWS::Partition>:states:[^:]+:[^:]+:execution:${stateMachineName}\\/\\*$/g` }, "Resource::*"],
      },
    ],
    true,
  );

  // An execution that ends without its Finalize state (stopped by hand, timed out, failed in Finalize) would
  // leave its operation running: Step Functions' status-change event on the default bus finalizes it.
  const ended = new Function(stack, "OperationEnded", {
    handler: "packages/functions/src/operation-ended.handler",
    description: "Bulk operation: finalize one whose execution ended without Finalize",
    memorySize: "256 MB",
    timeout: `${OPERATION_TASK_FUNCTIONS.finalize.timeoutSeconds} seconds`,
    environment,
  });
  // Finalize's access, and the unfinished-operations lookup on gsi1 when the event lacks the execution's input.
  storage.grantTable(ended, { ...OPERATION_TASK_FUNCTIONS.finalize.table, indexes: ["gsi1"] });
  new events.Rule(stack, "ExecutionEndedWithoutFinalize", {
    description: "Fleetplane bulk operations: finalize an operation whose execution was stopped, timed out or failed",
    eventPattern: {
      source: ["aws.states"],
      detailType: ["Step Functions Execution Status Change"],
      detail: { stateMachineArn: [stateMachine.stateMachineArn], status: [...ENDED_WITHOUT_FINALIZE] },
    },
    // Finalizing twice is harmless, so delivery retries for a day.
    targets: [new targets.LambdaFunction(ended, { retryAttempts: 20, maxEventAge: Duration.hours(24) })],
  });

  stack.addOutputs({ OperationsStateMachineArn: stateMachine.stateMachineArn });

  return { stateMachine, functions, ended };
}
