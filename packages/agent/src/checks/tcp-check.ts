// Component check that a TCP port accepts connections (e.g. a database listener).
import { connect } from "node:net";
import type { CheckOutcome, ComponentCheck } from "./component-check.js";

export function tcpCheck(name: string, host: string, port: number, critical: boolean): ComponentCheck {
  return {
    name,
    critical,
    run: (signal) =>
      new Promise<CheckOutcome>((resolve) => {
        const socket = connect({ host, port });
        const done = (outcome: CheckOutcome): void => {
          signal.removeEventListener("abort", onAbort);
          socket.destroy();
          resolve(outcome);
        };
        const onAbort = (): void => done({ healthy: false, error: "timed out connecting" });
        signal.addEventListener("abort", onAbort, { once: true });
        socket.once("connect", () => done({ healthy: true }));
        socket.once("error", (error) => done({ healthy: false, error: error.message }));
      }),
  };
}
