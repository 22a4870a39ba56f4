// A lean client for timing the API: node:http over one keep-alive connection, the body read whole. Node's
// fetch (undici) adds work of its own to every request, about 0.45 ms and several ms of p99 on a
// sub-millisecond `GET /summary` here, which a benchmark of the control plane should not count
// (docs/decisions.md); the API benchmark still reports two cases through fetch beside it.
import http from "node:http";

export interface KeepAliveClient {
  /** The body of a 200 answer to GET `path` (below `baseUrl`); any other status is an error. */
  get(path: string): Promise<Buffer>;
  close(): void;
}

export function keepAliveClient(baseUrl: string, headers: Record<string, string>): KeepAliveClient {
  const { hostname, port, pathname } = new URL(baseUrl);
  const base = pathname.replace(/\/$/, "");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    get: (path) =>
      new Promise((resolve, reject) => {
        const request = http.get({ hostname, port, path: base + path, headers, agent }, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            response.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${path}: ${response.statusCode}`)),
          );
          response.on("error", reject);
        });
        request.on("error", reject);
      }),
    close: () => agent.destroy(),
  };
}
