// Tests of a running agent over real HTTP on 127.0.0.1: auth, health deadlines, metrics cursors, operations.
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgent, type RunningAgent } from "./agent-server.js";
import { validateAgentConfig } from "./config/agent-config.js";
import { loadAgentConfig } from "./config/load-config.js";

const TOKEN = "test-token-0123456789abcdef";
const node = process.execPath;
const dir = mkdtempSync(join(tmpdir(), "fleetplane-agent-"));
const runsFile = join(dir, "runs.log");

let agent: RunningAgent;
let silentListener: Server;
let clock = Date.parse("2026-11-20T08:00:30Z");

const call = (path: string, init: RequestInit = {}, token = TOKEN): Promise<Response> =>
  fetch(`${agent.url}${path}`, { ...init, headers: token ? { authorization: `Bearer ${token}` } : {} });

const operate = async (body: Record<string, unknown>): Promise<{ status: number; json: Record<string, any> }> => {
  const res = await call("/api/v1/operations", { method: "POST", body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
};

beforeAll(async () => {
  // Accepts connections and never says a word: a hung Redis.
  silentListener = createServer(() => {});
  await new Promise<void>((resolve) => silentListener.listen(0, "127.0.0.1", resolve));
  const silentPort = (silentListener.address() as { port: number }).port;
  const config = validateAgentConfig(
    {
      listen: { host: "127.0.0.1", port: 0 },
      checks: {
        database: { type: "tcp", host: "127.0.0.1", port: silentPort },
        redis: { host: "127.0.0.1", port: silentPort },
        services: { type: "command", argv: [node, "-e", "setTimeout(() => {}, 60000)"] },
      },
      operations: {
        update_config: {
          command: [node, "-e", "process.stdout.write(JSON.stringify(process.argv.slice(1)))", "{value}"],
          parameters: { value: { type: "string", required: true } },
        },
        deploy_update: {
          command: [
            node,
            "-e",
            'require("fs").appendFileSync(process.argv[1], "run\\n"); setTimeout(() => console.log("deployed"), 200)',
            runsFile,
            "{version}",
          ],
          parameters: { version: { type: "string", pattern: "^[0-9.]+$", required: true } },
        },
        restart_services: {
          command: [node, "-e", "console.log(process.pid); setTimeout(() => {}, 60000)"],
          timeout_seconds: 1,
        },
        collect_diagnostics: { command: [node, "-e", 'process.stdout.write("x".repeat(100000))'] },
      },
    },
    TOKEN,
  );
  agent = await startAgent(config, { autoSample: false, now: () => clock });
});

afterAll(async () => {
  await agent.close();
  silentListener.close();
});

describe("agent auth", () => {
  it("answers 401 without a token and with a wrong token", async () => {
    expect((await call("/health", {}, "")).status).toBe(401);
    expect((await call("/api/v1/metrics/current", {}, "wrong-token-0123456789")).status).toBe(401);
    expect((await call("/api/v1/operations", { method: "POST", body: "{}" }, `${TOKEN}x`)).status).toBe(401);
  });

  it("refuses a token on the command line and a missing token", () => {
    expect(() => loadAgentConfig({ argv: ["--token", TOKEN], env: {} })).toThrow(/never accepted on the command line/);
    expect(() => loadAgentConfig({ argv: [], env: {} })).toThrow(/token missing/);
  });
});

describe("agent health", () => {
  it("answers within 2.5 s when components hang, reporting them unhealthy", async () => {
    const started = performance.now();
    const res = await call("/health");
    const elapsed = performance.now() - started;
    const body = (await res.json()) as { status: string; components: Record<string, { healthy: boolean; latency_ms: number }> };
    expect(elapsed).toBeLessThan(2500);
    expect(body.components.database!.healthy).toBe(true);
    expect(body.components.redis!.healthy).toBe(false);
    expect(body.components.services!.healthy).toBe(false);
    expect(body.status).toBe("degraded");
  });
});

describe("agent metrics", () => {
  it("pages the sample buffer by cursor with no duplicates and no gaps across calls", async () => {
    const take = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        await agent.sampleNow();
        clock += 60_000;
      }
    };
    await take(5);
    const seen: string[] = [];
    let cursor = "";
    for (;;) {
      const page = (await (await call(`/api/v1/metrics?since=${cursor}&limit=2`)).json()) as {
        samples: Array<{ timestamp: string }>;
        cursor: string;
      };
      if (page.samples.length === 0) break;
      seen.push(...page.samples.map((s) => s.timestamp));
      cursor = page.cursor;
    }
    await take(3);
    const later = (await (await call(`/api/v1/metrics?since=${cursor}`)).json()) as {
      samples: Array<{ timestamp: string }>;
      cursor: string;
    };
    seen.push(...later.samples.map((s) => s.timestamp));
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    const minutes = seen.map((t) => Date.parse(t) / 60_000);
    expect(minutes.every((m, i) => i === 0 || m === minutes[i - 1]! + 1)).toBe(true);
    const foreign = (await (await call("/api/v1/metrics?since=deadbeef.3")).json()) as { samples: unknown[] };
    expect(foreign.samples).toHaveLength(8);
    expect((await call("/api/v1/metrics?since=garbage")).status).toBe(400);
  });

  it("serves current host metrics with every contract field", async () => {
    const point = (await (await call("/api/v1/metrics/current")).json()) as Record<string, unknown>;
    expect(point).toMatchObject({ period: "1m", cpu_percent: expect.any(Number), memory_percent: expect.any(Number), llm_requests: 0 });
    expect(Object.keys(point)).toHaveLength(14);
  });
});

describe("agent operations", () => {
  it("answers 403 for a type this server does not allow and 400 for an unknown type or bad parameters", async () => {
    expect((await operate({ operation_type: "run_health_check" })).status).toBe(403);
    const unknown = await operate({ operation_type: "format_disk" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe("unknown_operation_type");
    expect((await operate({ operation_type: "update_config", parameters: {} })).status).toBe(400);
    expect((await operate({ operation_type: "update_config", parameters: { value: "x", extra: 1 } })).status).toBe(400);
    expect((await operate({ operation_type: "deploy_update", parameters: { version: "1.0; reboot" } })).status).toBe(400);
  });

  it("passes an injection attempt as one literal argv element, never through a shell", async () => {
    const attempt = '"; rm -rf / #$(whoami)`id`';
    const { status, json } = await operate({ operation_type: "update_config", parameters: { value: attempt } });
    expect(status).toBe(200);
    expect(json.status).toBe("succeeded");
    expect(JSON.parse(json.output)).toEqual([attempt]);
  });

  it("runs an idempotent retry once, and a concurrent retry gets the same result", async () => {
    const body = { operation_type: "deploy_update", parameters: { version: "2.1.0" }, idempotency_key: "deploy-42" };
    const [a, b] = await Promise.all([operate(body), operate(body)]);
    const c = await operate(body);
    expect(a.json).toMatchObject({ status: "succeeded", output: "deployed\n" });
    expect(b.json).toEqual(a.json);
    expect(c.json).toEqual(a.json);
    expect(readFileSync(runsFile, "utf8")).toBe("run\n");
    const conflict = await operate({ ...body, parameters: { version: "9.9.9" } });
    expect(conflict.status).toBe(409);
  });

  it("kills a command that outlives its timeout and reports the operation failed", async () => {
    const started = performance.now();
    const { json } = await operate({ operation_type: "restart_services" });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(json.status).toBe("failed");
    expect(json.error).toMatch(/timed out/);
    const pid = Number(json.output.trim());
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it("truncates output to 64 KiB", async () => {
    const { json } = await operate({ operation_type: "collect_diagnostics" });
    expect(json.status).toBe("succeeded");
    expect(json.output).toHaveLength(64 * 1024);
  });
});
