// Follows an operation to its end with a live bar; Ctrl-C asks whether to cancel it; lists the failed servers.
import { createInterface, type Interface } from "node:readline/promises";
import { allItems, unwrap, type FleetplaneClient, type Operation, type OperationTarget } from "@fleetplane/client";
import type { CommandContext } from "./command.js";
import { EXIT } from "./exit-codes.js";
import { paint, table } from "./io.js";
import { ProgressBar } from "./progress.js";

export const FINISHED = new Set(["completed", "partial", "failed", "cancelled"]);
export const POLL_INTERVAL_MS = 1_000;

/** 0 when the operation completed; 1 when it ended failed, partial or cancelled. */
export const exitFor = (operation: Operation) => (operation.status === "completed" ? EXIT.ok : EXIT.workFailed);

export interface WatchResult {
  operation: Operation;
  failed: OperationTarget[];
  /** The user left with Ctrl-C without waiting for the end. */
  interrupted: boolean;
}

export async function watchOperation(ctx: CommandContext, client: FleetplaneClient, start: Operation): Promise<WatchResult> {
  const bar = new ProgressBar(ctx.io.stderr, ctx.mode, start.operation_type);
  let operation = start;
  let leave = false;
  let asking = false;
  let wake: (() => void) | undefined;

  let prompt: Interface | undefined;

  const onInterrupt = async () => {
    if (asking || !ctx.io.stdin?.isTTY) {
      leave = true;
      prompt?.close();
      wake?.();
      return;
    }
    asking = true;
    bar.clear();
    ctx.io.stderr.write(`Cancel operation ${operation.id}? [y/N] `);
    prompt = createInterface({ input: ctx.io.stdin });
    const answer = await prompt.question("").catch(() => "");
    prompt.close();
    prompt = undefined;
    asking = false;
    if (/^y(es)?$/i.test(answer.trim())) {
      operation = await unwrap(client.api.POST("/api/v1/fleet/operations/{id}/cancel", { params: { path: { id: operation.id } } })).catch(
        () => operation,
      );
      ctx.note("cancelling: no new server starts; running ones finish");
    }
    wake?.();
  };
  const listener = () => void onInterrupt();
  process.on("SIGINT", listener);
  try {
    while (!FINISHED.has(operation.status) && !leave) {
      const running = await unwrap(
        client.api.GET("/api/v1/fleet/operations/{id}/servers", {
          params: { path: { id: operation.id }, query: { status: "running", limit: 100 } },
        }),
      );
      if (!asking) bar.update(counts(operation, running.items.length));
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, POLL_INTERVAL_MS);
      });
      if (leave) break;
      operation = await unwrap(client.api.GET("/api/v1/fleet/operations/{id}", { params: { path: { id: operation.id } } }));
    }
  } finally {
    process.off("SIGINT", listener);
    // An unanswered question must not keep the process waiting on stdin once the operation has ended.
    prompt?.close();
  }
  bar.update(counts(operation, 0));
  bar.done();
  if (leave) {
    ctx.note(`left operation ${operation.id} ${operation.status}; follow it with: fleetplane ops get ${operation.id} --wait`);
    return { operation, failed: [], interrupted: true };
  }
  const failed = operation.failed_servers
    ? await allItems((cursor) =>
        unwrap(
          client.api.GET("/api/v1/fleet/operations/{id}/servers", {
            params: { path: { id: operation.id }, query: { status: "failed", limit: 100, cursor } },
          }),
        ),
      )
    : [];
  return { operation, failed, interrupted: false };
}

function counts(operation: Operation, running: number) {
  return {
    total: operation.total_servers,
    succeeded: operation.completed_servers,
    failed: operation.failed_servers,
    skipped: operation.skipped_servers + operation.cancelled_servers,
    running,
  };
}

/** The end of a watched operation for people: its status line and the failed servers with their errors. */
export function reportOperation(ctx: CommandContext, { operation, failed }: WatchResult): void {
  const colour = operation.status === "completed" ? "green" : operation.status === "partial" ? "yellow" : "red";
  ctx.print(
    `operation ${operation.id} ${paint(ctx.mode, colour, operation.status)}: ${operation.completed_servers} succeeded, ${operation.failed_servers} failed, ` +
      `${operation.skipped_servers} skipped, ${operation.cancelled_servers} cancelled of ${operation.total_servers}` +
      (operation.error_summary ? `\n${operation.error_summary}` : ""),
  );
  if (failed.length) {
    ctx.print(
      `failed servers:\n${table(
        ["SERVER", "ATTEMPTS", "ERROR"],
        failed.map((t) => [t.server_name, String(t.attempts), t.error ?? "-"]),
      )}`,
    );
  }
}
