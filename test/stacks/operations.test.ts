// Infrastructure test of the Operations stack: the state machine CDK deploys is the one the local runner executes,
// it logs to CloudWatch Logs, and its role may invoke the four task functions and nothing else.
import { beforeAll, describe, expect, it } from "vitest";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { LocalOperationWorkflows } from "@fleetplane/local";
import { TASK_FUNCTIONS, TASK_STATES, type FleetContext, type TaskName } from "@fleetplane/core";
import { MAX_TIMEOUT_SECONDS } from "../../packages/core/src/operations/schema.js";
import { AGENT_ANSWER_GRACE_SECONDS } from "../../packages/core/src/operations/kinds/agent-call.js";
import { Api } from "../../stacks/Api.js";
import { OPERATION_TASK_FUNCTIONS, Operations } from "../../stacks/Operations.js";
import { synthesize, type Synthesized } from "./synth.js";

type Json = Record<string, any>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

let app: Synthesized;
let ops: Template;
beforeAll(async () => {
  app = await synthesize();
  ops = app.template(Operations);
}, 600_000);

function only(template: Template, type: string, props: Json = {}): [string, Json] {
  const found = Object.entries(template.findResources(type, { Properties: props }));
  expect(found, `${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0] as [string, Json];
}

function statementsOfRole(template: Template, roleId: string): Statement[] {
  return Object.values(template.findResources("AWS::IAM::Policy"))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** Logical id of the Lambda function deployed for a task (by its handler). */
function taskFunctionId(task: TaskName): string {
  const entries = Object.entries(ops.findResources("AWS::Lambda::Function")).filter(([, fn]) =>
    JSON.stringify(fn.Properties.Description ?? "").includes(OPERATION_TASK_FUNCTIONS[task].description),
  );
  expect(entries, task).toHaveLength(1);
  return entries[0]![0];
}

describe("Operations stack", () => {
  it("deploys exactly the definition the local runner executes, with each task's function ARN substituted", () => {
    const [, machine] = only(ops, "AWS::StepFunctions::StateMachine");
    const deployed = JSON.parse(machine.Properties.DefinitionString as string);
    const local = new LocalOperationWorkflows({} as FleetContext);
    expect(deployed).toEqual(local.definition);

    const substitutions = machine.Properties.DefinitionSubstitutions as Json;
    for (const [task, variable] of Object.entries(TASK_FUNCTIONS) as Array<[TaskName, string]>) {
      expect(substitutions[variable]).toEqual({ "Fn::GetAtt": [taskFunctionId(task), "Arn"] });
      expect(JSON.stringify(deployed)).toContain(`\${${variable}}`);
    }
    // Every Task state of the definition is one the local runner maps to a task function.
    const taskStates: string[] = [];
    const visit = (states: Json) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === "Task") taskStates.push(name);
        if (state.ItemProcessor) visit(state.ItemProcessor.States);
      }
    };
    visit(deployed.States);
    expect(taskStates.sort()).toEqual(Object.keys(TASK_STATES).sort());
  });

  it("takes the distributed Map past the inline Map's limits, with MaxConcurrency from the operation", () => {
    const [, machine] = only(ops, "AWS::StepFunctions::StateMachine");
    const states = JSON.parse(machine.Properties.DefinitionString as string).States as Json;
    expect(states["Run on servers"].ItemProcessor.ProcessorConfig).toEqual({ Mode: "INLINE" });
    expect(states["Run on servers (distributed)"].ItemProcessor.ProcessorConfig).toEqual({
      Mode: "DISTRIBUTED",
      ExecutionType: "STANDARD",
    });
    for (const map of ["Run on servers", "Run on servers (distributed)"]) expect(states[map].MaxConcurrencyPath).toBe("$.max_concurrency");
    expect(machine.Properties.StateMachineType).toBe("STANDARD");
  });

  it("logs failures with their execution data to its own CloudWatch log group", () => {
    // Every function has a log group of its own too; the state machine's is the one under /aws/vendedlogs/states/.
    const [logGroupId, logGroup] = only(ops, "AWS::Logs::LogGroup", { LogGroupName: Match.anyValue() });
    expect(JSON.stringify(logGroup.Properties.LogGroupName)).toContain("/aws/vendedlogs/states/fleetplane-test-operations-");
    expect(logGroup.Properties.RetentionInDays).toBe(30);
    const [, machine] = only(ops, "AWS::StepFunctions::StateMachine");
    expect(machine.Properties.LoggingConfiguration).toEqual({
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": [logGroupId, "Arn"] } } }],
      IncludeExecutionData: true,
      Level: "ERROR",
    });
  });

  it("gives the state machine a role that invokes only the four task functions (plus its own child executions and log delivery)", () => {
    const [, machine] = only(ops, "AWS::StepFunctions::StateMachine");
    const roleId = (machine.Properties.RoleArn as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
    const [, role] = only(ops, "AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "states.amazonaws.com" } }],
        Version: "2012-10-17",
      },
    });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = statementsOfRole(ops, roleId);

    const invoke = statements.filter((s) => asArray(s.Action).includes("lambda:InvokeFunction"));
    expect(invoke).toHaveLength(1);
    expect(asArray(invoke[0]!.Action)).toEqual(["lambda:InvokeFunction"]);
    const taskArns = (Object.keys(TASK_FUNCTIONS) as TaskName[]).map((task) => ({ "Fn::GetAtt": [taskFunctionId(task), "Arn"] }));
    expect(new Set(asArray(invoke[0]!.Resource).map((r) => JSON.stringify(r)))).toEqual(new Set(taskArns.map((r) => JSON.stringify(r))));

    const machineName = machine.Properties.StateMachineName as string;
    const states = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith("states:")));
    expect(new Set(states.flatMap((s) => asArray(s.Action)))).toEqual(
      new Set(["states:StartExecution", "states:DescribeExecution", "states:StopExecution"]),
    );
    for (const statement of states) expect(JSON.stringify(statement.Resource)).toContain(machineName);

    // Vended log delivery and X-Ray require these on "*" (neither can be scoped); nothing else may be unscoped.
    for (const statement of statements.filter((s) => asArray(s.Resource).includes("*"))) {
      for (const action of asArray(statement.Action)) expect(action).toMatch(/^(logs|xray):/);
    }
    const services = new Set(statements.flatMap((s) => asArray(s.Action)).map((a) => a.split(":")[0]));
    expect(services).toEqual(new Set(["lambda", "states", "logs", "xray"]));
  });

  it("lets only the run-on-server function read agent tokens, with a timeout above the longest agent wait", () => {
    for (const task of Object.keys(TASK_FUNCTIONS) as TaskName[]) {
      const [, fn] = only(ops, "AWS::Lambda::Function", { Description: OPERATION_TASK_FUNCTIONS[task].description });
      expect(fn.Properties.Runtime).toBe("nodejs24.x");
      const roleId = fn.Properties.Role["Fn::GetAtt"][0];
      const actions = statementsOfRole(ops, roleId).flatMap((s) => asArray(s.Action));
      expect(actions.includes("kms:Decrypt")).toBe(task === "runOnServer");
      // Re-sealing a token written before organization keys may create the organization's key.
      expect(actions.includes("kms:GenerateDataKey")).toBe(task === "runOnServer");
      expect(actions).toContain("dynamodb:UpdateItem");
    }
    const [, runner] = only(ops, "AWS::Lambda::Function", { Description: OPERATION_TASK_FUNCTIONS.runOnServer.description });
    expect(runner.Properties.Timeout).toBeGreaterThan(MAX_TIMEOUT_SECONDS + AGENT_ANSWER_GRACE_SECONDS);
  });

  it("gives each task function only the DynamoDB actions it calls, on the base table, and no index", () => {
    for (const task of Object.keys(TASK_FUNCTIONS) as TaskName[]) {
      const [, fn] = only(ops, "AWS::Lambda::Function", { Description: OPERATION_TASK_FUNCTIONS[task].description });
      const dynamodb = statementsOfRole(ops, fn.Properties.Role["Fn::GetAtt"][0]).filter((s) =>
        asArray(s.Action).some((a) => a.startsWith("dynamodb:")),
      );
      expect(dynamodb, task).toHaveLength(1);
      expect(new Set(asArray(dynamodb[0]!.Action)), task).toEqual(new Set(OPERATION_TASK_FUNCTIONS[task].table.actions));
      expect(JSON.stringify(dynamodb[0]!.Resource), task).not.toContain("/index/");
    }
    const [, prepare] = only(ops, "AWS::Lambda::Function", { Description: OPERATION_TASK_FUNCTIONS.prepare.description });
    const prepareActions = statementsOfRole(ops, prepare.Properties.Role["Fn::GetAtt"][0]).flatMap((s) => asArray(s.Action));
    expect(prepareActions).not.toContain("dynamodb:BatchWriteItem");
    expect(prepareActions).not.toContain("dynamodb:DeleteItem");
  });

  it("finalizes an operation whose execution ends without Finalize, from Step Functions' status-change events", () => {
    const [machineId] = only(ops, "AWS::StepFunctions::StateMachine");
    const [, rule] = only(ops, "AWS::Events::Rule");
    expect(rule.Properties.EventBusName).toBeUndefined(); // Step Functions publishes on the default bus
    expect(rule.Properties.EventPattern).toEqual({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: { stateMachineArn: [{ Ref: machineId }], status: ["ABORTED", "TIMED_OUT", "FAILED"] },
    });
    const [fnId, fn] = only(ops, "AWS::Lambda::Function", {
      Description: "Bulk operation: finalize one whose execution ended without Finalize",
    });
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { "Fn::GetAtt": [fnId, "Arn"] },
        RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 20 },
      }),
    ]);
    const [, permission] = only(ops, "AWS::Lambda::Permission", { Principal: "events.amazonaws.com" });
    expect(permission.Properties.FunctionName).toEqual({ "Fn::GetAtt": [fnId, "Arn"] });
    // It settles targets and finalizes in the table; it reads no agent token and drives no execution.
    const actions = statementsOfRole(ops, fn.Properties.Role["Fn::GetAtt"][0]).flatMap((s) => asArray(s.Action));
    expect(actions).toContain("dynamodb:UpdateItem");
    expect(actions.filter((a) => a.startsWith("kms:") || a.startsWith("states:"))).toEqual([]);
    // The unfinished-operations lookup reads gsi1, and only gsi1.
    const indexReads = statementsOfRole(ops, fn.Properties.Role["Fn::GetAtt"][0]).filter((s) => JSON.stringify(s.Resource).includes("/index/"));
    expect(indexReads).toHaveLength(1);
    expect(asArray(indexReads[0]!.Action)).toEqual(["dynamodb:Query"]);
    expect(JSON.stringify(indexReads[0]!.Resource)).toMatch(/\/index\/gsi1"/);
  });

  it("gives the API function the state machine's ARN and the right to start it, and nothing else of Step Functions", () => {
    const api = app.template(Api);
    const [, fn] = only(api, "AWS::Lambda::Function", { Description: "Fleetplane HTTP API (Hono)" });
    const arn = fn.Properties.Environment.Variables.FLEETPLANE_STATE_MACHINE_ARN;
    expect(JSON.stringify(arn)).toContain("Fn::ImportValue");
    const roleId = fn.Properties.Role["Fn::GetAtt"][0];
    const states = statementsOfRole(api, roleId).filter((s) => asArray(s.Action).some((a) => a.startsWith("states:")));
    expect(states).toHaveLength(1);
    expect(asArray(states[0]!.Action)).toEqual(["states:StartExecution"]);
    expect(states[0]!.Resource).toEqual(arn);
  });

  it("registers Operations before Api", () => {
    const names = app.stacks().map((s) => s.stackName);
    expect(names.indexOf("test-fleetplane-Operations")).toBeGreaterThan(-1);
    expect(names.indexOf("test-fleetplane-Operations")).toBeLessThan(names.indexOf("test-fleetplane-Api"));
  });
});
