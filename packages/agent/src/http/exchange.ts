// Reading JSON requests and writing JSON answers on node:http, shared by the agent and the simulator.
import type { IncomingMessage, ServerResponse } from "node:http";
import { RequestRejected } from "../protocol.js";

export const MAX_REQUEST_BYTES = 1024 * 1024;

export async function readJsonBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RequestRejected(413, "payload_too_large", `body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new RequestRejected(400, "bad_json", "body is not valid JSON");
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof RequestRejected) {
    sendJson(res, error.status, {
      error: { code: error.code, message: error.message, ...(error.details.length ? { details: error.details } : {}) },
    });
    return;
  }
  // The cause stays in the agent's log; the caller only learns that something failed.
  console.error("fleetplane-agent: request failed", error);
  sendJson(res, 500, { error: { code: "internal", message: "internal error" } });
}
