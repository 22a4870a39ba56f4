// A webhook receiver on 127.0.0.1 for tests: answers 503 while failing, records every request it gets, and holds
// every body it gets to the event contract (docs/events/, an entity and sequence each).
import { createServer, type Server } from "node:http";
import { checkEvent } from "../support/event-contract.js";

export interface ReceivedDelivery {
  eventId: string | undefined;
  signature: string | undefined;
  contentType: string | undefined;
  body: string;
  answered: number;
}

export interface Receiver {
  url: string;
  received: ReceivedDelivery[];
  failing: boolean;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver = { received: [] as ReceivedDelivery[], failing: false } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answered = receiver.failing ? 503 : 204;
      checkEvent(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      receiver.received.push({
        eventId: req.headers["fleetplane-event-id"] as string | undefined,
        signature: req.headers["fleetplane-signature"] as string | undefined,
        contentType: req.headers["content-type"],
        body: Buffer.concat(chunks).toString("utf8"),
        answered,
      });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  receiver.url = `http://127.0.0.1:${address.port}/hooks`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}
