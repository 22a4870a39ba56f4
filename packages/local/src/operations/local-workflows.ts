// The workflow port's local adapter: the very state machine definition CDK deploys, run in-process by
// aws-local-stepfunctions, with each Task state mapped to the same task function the Lambdas call.
import "./promise-with-resolvers.js";
import { StateMachine, type StateMachineDefinition as LocalDefinition } from "aws-local-stepfunctions";
import {
  CANCEL_DRAIN_RETRY,
  OperationCancelled,
  OPERATION_TASKS,
  operationStateMachine,
  TASK_FUNCTIONS,
  TASK_STATES,
  unfinishedOperations,
  withTaskResources,
  type FleetContext,
  type OperationRef,
  type OperationWorkflows,
  type StateMachineDefinition,
  type TaskName,
} from "@fleetplane/core";

export interface LocalWorkflowOptions {
  /** Replaces every Retry interval (ms); tests shorten the waits between agent retries. Default: as defined. */
  retryIntervalMs?: number;
  /** How long close() lets task calls in flight finish before giving up on them. */
  closeGraceMs?: number;
}

const LOCAL_TASK_ARNS = Object.fromEntries(
  Object.keys(TASK_FUNCTIONS).map((task) => [task, `arn:aws:lambda:us-east-1:000000000000:function:fleetplane-local-${task}`]),
) as Record<TaskName, string>;

interface Execution {
  abort(): void;
  done: Promise<void>;
}

export class LocalOperationWorkflows implements OperationWorkflows {
  /** Exactly what the Operations stack deploys (test/stacks proves it). */
  readonly definition: StateMachineDefinition = operationStateMachine();
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, Execution>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Operations whose Map a cancel has ended (see invoke). */
  private readonly cancelledMaps = new Set<string>();
  private closed = false;

  constructor(
    private readonly ctx: FleetContext,
    private readonly options: LocalWorkflowOptions = {},
  ) {
    // CloudFormation fills the `${...}` task resources with function ARNs; here they name local stand-ins, and
    // every Task state is overridden with its task function, so nothing is ever invoked by ARN.
    const local = withTaskResources(this.definition, LOCAL_TASK_ARNS);
    this.machine = new StateMachine(local as unknown as LocalDefinition, { validationOptions: { checkArn: true, checkPaths: true } });
  }

  /** Starts the operation's execution unless one is already running in this process (like a named execution in AWS). */
  async start(operation: OperationRef): Promise<void> {
    if (this.closed) throw new Error("the local runtime is shutting down");
    if (this.executions.has(operation.operation_id)) return;
    const handlers = Object.fromEntries(
      Object.entries(TASK_STATES).map(([state, task]) => [state, (input: unknown) => this.invoke(task, input)]),
    );
    const retryIntervalOverrides =
      this.options.retryIntervalMs === undefined
        ? undefined
        : Object.fromEntries(Object.keys(TASK_STATES).map((state) => [state, this.retryIntervals(state, this.options.retryIntervalMs!)]));
    const execution = this.machine.run(operation as unknown as Parameters<StateMachine["run"]>[0], {
      overrides: { taskResourceLocalHandlers: handlers as never, ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) },
      noThrowOnAbort: true,
    });
    void drain(execution.eventLogs);
    const done = execution.result.then(
      () => undefined,
      (error: unknown) => {
        if (!this.closed)
          this.ctx.signals?.log.error("operation workflow failed", {
            organization_id: operation.organization_id,
            operation_id: operation.operation_id,
            error: String(error),
          });
      },
    );
    this.executions.set(operation.operation_id, { abort: execution.abort, done });
    void done.finally(() => this.executions.delete(operation.operation_id));
  }

  /**
   * Starts again every operation a previous run of this runtime left unfinished. Each task is idempotent per
   * target, so the new execution passes over settled targets and finishes the rest (docs/operations.md).
   */
  async resumeInterrupted(): Promise<OperationRef[]> {
    const unfinished = await unfinishedOperations(this.ctx);
    for (const operation of unfinished) await this.start(operation);
    return unfinished;
  }

  /** Resolves once no execution is running. */
  async idle(): Promise<void> {
    while (this.executions.size > 0) await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  /** Stops every execution; their operations stay unfinished in the table and resume on the next start. */
  async close(): Promise<void> {
    this.closed = true;
    for (const execution of this.executions.values()) execution.abort();
    const grace = new Promise((resolve) => setTimeout(resolve, this.options.closeGraceMs ?? 2_000).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
  }

  /**
   * Per retrier of a Task state: the shortened interval, except Finalize's wait for servers still mid-call
   * after a cancel (-1 keeps the defined interval), which is a wait for real work, not for a transient fault.
   */
  private retryIntervals(state: string, ms: number): number[] {
    const retriers = (findState(this.definition, state)?.Retry ?? []) as Array<{ ErrorEquals: string[] }>;
    return retriers.map((retrier) => (retrier.ErrorEquals.includes(CANCEL_DRAIN_RETRY.ErrorEquals[0]!) ? -1 : ms));
  }

  private invoke(task: TaskName, input: unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error("the local runtime is shutting down"));
    // In Step Functions a failed Map starts no further iteration. aws-local-stepfunctions aborts the running
    // ones but still starts those queued behind its concurrency limit, so once a cancel has ended an
    // operation's Map, its queued iterations end here without running the task, as they never would in AWS.
    const operationId = (input as { operation_id?: string } | null)?.operation_id;
    if (task === "runOnServer" && operationId && this.cancelledMaps.has(operationId)) {
      return Promise.reject(new OperationCancelled(operationId));
    }
    const step = (input ?? {}) as { organization_id?: string; operation_id?: string };
    const correlation = { organization_id: step.organization_id, operation_id: step.operation_id };
    const run = () => OPERATION_TASKS[task](this.ctx, input);
    const call = this.ctx.signals ? this.ctx.signals.withCorrelation(correlation, run) : run();
    if (task === "runOnServer" && operationId) {
      void call.catch((error: unknown) => {
        if (error instanceof OperationCancelled) this.cancelledMaps.add(operationId);
      });
    }
    this.inFlight.add(call);
    void call.catch(() => undefined).finally(() => this.inFlight.delete(call));
    return call;
  }
}

function findState(definition: StateMachineDefinition, name: string): { Retry?: unknown } | undefined {
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (stateName === name) return state as { Retry?: unknown };
    const processor = (state as { ItemProcessor?: StateMachineDefinition } | null)?.ItemProcessor;
    const found = processor ? findState(processor, name) : undefined;
    if (found) return found;
  }
  return undefined;
}

async function drain(events: AsyncGenerator<unknown>): Promise<void> {
  // The runner queues every execution event until read; nobody reads them here, so let them go.
  for await (const _ of events);
}
