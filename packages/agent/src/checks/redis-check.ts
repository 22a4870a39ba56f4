// Component check that Redis answers PING (speaking RESP over a plain TCP socket; no client library needed).
import { connect } from "node:net";
import type { CheckOutcome, ComponentCheck } from "./component-check.js";

const resp = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

export function redisCheck(host: string, port: number, password: string | undefined, critical: boolean): ComponentCheck {
  return {
    name: "redis",
    critical,
    run: (signal) =>
      new Promise<CheckOutcome>((resolve) => {
        const socket = connect({ host, port });
        let received = "";
        const expectedReplies = password ? 2 : 1;
        const done = (outcome: CheckOutcome): void => {
          signal.removeEventListener("abort", onAbort);
          socket.destroy();
          resolve(outcome);
        };
        const onAbort = (): void => done({ healthy: false, error: "timed out waiting for PONG" });
        signal.addEventListener("abort", onAbort, { once: true });
        socket.once("connect", () => socket.write((password ? resp("AUTH", password) : "") + resp("PING")));
        socket.on("data", (chunk: Buffer) => {
          received += chunk.toString("latin1");
          const lines = received.split("\r\n").filter((l) => l.length > 0);
          const failed = lines.find((l) => l.startsWith("-"));
          if (failed) return done({ healthy: false, error: failed.slice(1) });
          if (lines.length >= expectedReplies) {
            const pong = lines[expectedReplies - 1] === "+PONG";
            done(pong ? { healthy: true } : { healthy: false, error: `unexpected reply ${JSON.stringify(lines.at(-1))}` });
          }
        });
        socket.once("error", (error) => done({ healthy: false, error: error.message }));
        socket.once("end", () => done({ healthy: false, error: "connection closed before PONG" }));
      }),
  };
}
