import { describe, expect, it } from "vitest";
import { AgentUnavailable } from "../kinds/kind.js";
import { OperationCancelled, ServersStillRunning } from "./workflow-errors.js";
import { operationStateMachine, TASK_FUNCTIONS, TASK_STATES, withTaskResources } from "./definition.js";

type State = Record<string, any>;

function allStates(states: Record<string, State>): Array<[string, State]> {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...(state.ItemProcessor ? allStates(state.ItemProcessor.States) : []),
  ]);
}

describe("the bulk-operation state machine", () => {
  const definition = operationStateMachine();
  const states = allStates(definition.States as Record<string, State>);

  it("names every Task state in TASK_STATES, with the task function it invokes as its resource", () => {
    const tasks = states.filter(([, s]) => s.Type === "Task");
    expect(tasks.map(([name]) => name).sort()).toEqual(Object.keys(TASK_STATES).sort());
    for (const [name, state] of tasks) expect(state.Resource).toBe(`\${${TASK_FUNCTIONS[TASK_STATES[name]!]}}`);
  });

  it("retries transient agent failures only where the agent is called, and records every outcome", () => {
    const retriesAgent = states.filter(([, s]) => (s.Retry ?? []).some((r: State) => r.ErrorEquals.includes(AgentUnavailable.errorName)));
    expect(retriesAgent.map(([name]) => name).sort()).toEqual(["Run on server", "Run on server (distributed)"]);
    for (const [name, state] of retriesAgent) {
      const record = name.replace("Run on server", "Record result");
      expect(state.Catch).toEqual([
        { ErrorEquals: [OperationCancelled.errorName], Next: name.replace("Run on server", "Stop: operation cancelled") },
        { ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: record },
      ]);
    }
  });

  it("ends the Map at the first target reached after a cancel, and records only what the run could not", () => {
    for (const suffix of ["", " (distributed)"]) {
      const stop = states.find(([name]) => name === `Stop: operation cancelled${suffix}`)![1];
      expect(stop).toMatchObject({ Type: "Fail", Error: OperationCancelled.errorName });
      const choice = states.find(([name]) => name === `Recorded by the run?${suffix}`)![1];
      expect(choice.Choices).toEqual([{ Variable: "$.outcome.outcome", StringEquals: "done", Next: `Server done${suffix}` }]);
      expect(choice.Default).toBe(`Record result${suffix}`);
    }
    const finalize = (definition.States as Record<string, State>)["Finalize operation"]!;
    expect(finalize.Retry[0].ErrorEquals).toEqual([ServersStillRunning.errorName]);
  });

  it("sends every failure of Prepare and of the Maps to Finalize, so an operation always ends", () => {
    for (const name of ["Prepare operation", "Run on servers", "Run on servers (distributed)"]) {
      expect((definition.States as Record<string, State>)[name]!.Catch).toEqual([
        { ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "Finalize operation" },
      ]);
    }
  });

  it("fills the task resources as CloudFormation's substitutions do", () => {
    const filled = JSON.stringify(
      withTaskResources(definition, { prepare: "arn:p", runOnServer: "arn:r", recordResult: "arn:c", finalize: "arn:f" }),
    );
    expect(filled).not.toContain("${");
    expect(filled).toContain('"Resource":"arn:r"');
  });
});
