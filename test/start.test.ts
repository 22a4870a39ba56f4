// `npm start` as a user runs it: a real process, the seed's curl example, restart persistence, clean shutdown.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), "fleetplane-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  process: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `npm start` and resolves once it prints its URL (or rejects with its output if it exits first). */
function npmStart(args: string[], env: Record<string, string> = {}): Promise<Started> {
  // An hour between probe cycles: the seed's example.com server must not be probed over the network here.
  const quiet = {
    FLEETPLANE_HEALTH_INTERVAL_SECONDS: "3600",
    FLEETPLANE_METRICS_INTERVAL_SECONDS: "3600",
    FLEETPLANE_PROBE_BACKOFF_MAX_SECONDS: "3600",
  };
  const child = spawn("npm", ["start", "--silent", "--", ...args], {
    env: { ...process.env, ...quiet, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Fleetplane is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match && /admin key/.test(output)) resolve({ process: child, url: match[1]!, output: () => output });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(Object.assign(new Error(`npm start exited with ${code}:\n${output}`), { output })));
  });
}

/** Sends SIGTERM to the process group, as a terminal or a service manager does, and waits for the exit. */
function stop(started: Started): Promise<string> {
  return new Promise((resolve) => {
    started.process.once("close", () => resolve(started.output()));
    process.kill(-started.process.pid!, "SIGTERM");
  });
}

const curl = async (...args: string[]) => JSON.parse((await run("curl", ["-sS", ...args])).stdout);

test("npm start serves the seed's curl example, keeps data across a restart and shuts down cleanly", async () => {
  const first = await npmStart(["--port", "0", "--data-dir", dataDir]);
  const token = /admin key \(shown once, store it now\): (\S+)/.exec(first.output())?.[1];
  expect(token).toBeDefined();
  const api = `${first.url}/api/v1/fleet`;
  const registered = await curl(
    "-X",
    "POST",
    `${api}/servers`,
    "-H",
    `Authorization: Bearer ${token}`,
    "-H",
    "Content-Type: application/json",
    "-d",
    '{"name":"prod-east-1","hostname":"prod-east-1.example.com","api_url":"https://prod-east-1.example.com","api_token":"secret_token_here","region":"us-east-1","environment":"production","tags":["production","critical"]}',
  );
  expect(registered).toMatchObject({ name: "prod-east-1", status: "active" });
  const listed = await curl(`${api}/servers`, "-H", `Authorization: Bearer ${token}`);
  expect(listed.items).toHaveLength(1);
  const summary = await curl(`${api}/summary`, "-H", `Authorization: Bearer ${token}`);
  expect(summary).toMatchObject({ total_servers: 1, by_region: { "us-east-1": 1 } });
  expect(await stop(first)).toContain("SIGTERM: shutting down");
  // The registration's event was delivered to the local bus's log before the process exited.
  const events = readFileSync(join(dataDir, "events.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  expect(events.find((e) => e["detail-type"] === "Server Registered")?.detail.data.server.name).toBe("prod-east-1");

  const second = await npmStart(["--port", "0", "--data-dir", dataDir]);
  expect(second.output()).not.toContain(token);
  const again = await curl(`${second.url}/api/v1/fleet/servers`, "-H", `Authorization: Bearer ${token}`);
  expect(again.items.map((s: { name: string }) => s.name)).toEqual(["prod-east-1"]);
  expect(await stop(second)).toContain("SIGTERM: shutting down");
});

/** Resolves with the first JSON log line on the process's output that `matches`, once it has been written. */
function logLine(started: Started, matches: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const look = () => {
      // Only complete lines: the last one may still be arriving.
      for (const line of started.output().split("\n").slice(0, -1).filter((l) => l.startsWith("{"))) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (matches(entry)) return resolve(entry);
      }
      started.process.stdout!.once("data", look);
    };
    look();
  });
}

test("a configured admin key works, a refused request is logged as a JSON line, and a taken port gives a clear message", async () => {
  const adminKey = "automation-key-0123456789abcdef-0123";
  const started = await npmStart(["--port", "0", "--in-memory"], { FLEETPLANE_ADMIN_API_KEY: adminKey });
  try {
    const res = await fetch(`${started.url}/api/v1/fleet/servers`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(res.status).toBe(200);
    // stdout is a pipe here, not a terminal: the log is JSON lines, as in Lambda.
    const missing = await fetch(`${started.url}/api/v1/fleet/servers/srv_absent`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(missing.status).toBe(404);
    expect(await logLine(started, (entry) => entry.status === 404)).toMatchObject({
      level: "INFO",
      message: "request refused",
      service: "local",
      path: "/api/v1/fleet/servers/srv_absent",
      organization_id: "default",
      request_id: expect.any(String),
    });
    const port = new URL(started.url).port;
    const clash = await npmStart(["--port", port, "--in-memory"]).then(
      () => "started",
      (error: { output: string }) => error.output,
    );
    expect(clash).toContain(`port ${port} on 127.0.0.1 is already in use`);
  } finally {
    await stop(started);
  }
});

test("a second npm start on a data dir in use says so and leaves the first one serving", async () => {
  const first = await npmStart(["--port", "0", "--data-dir", dataDir]);
  try {
    const second = await npmStart(["--port", "0", "--data-dir", dataDir]).then(
      () => "started",
      (error: { output: string }) => error.output,
    );
    expect(second).toContain(`is in use by another process (is Fleetplane already running with this --data-dir?)`);
    expect(second).not.toContain("Database is closed");
    const res = await fetch(`${first.url}/api/v1/fleet/servers`);
    expect(res.status).toBe(401);
  } finally {
    await stop(first);
  }
});
