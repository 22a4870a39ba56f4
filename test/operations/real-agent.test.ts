// Every operation type of the catalog, through the control plane, against the real agent package (not the simulator).
import { afterAll, beforeAll, expect, test } from "vitest";
import { startAgent, validateAgentConfig, type RunningAgent } from "@fleetplane/agent";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";
import { allTargets, finished } from "./support.js";

const TOKEN = "real-agent-token-0123456789abcdef";
const node = process.execPath;
const print = (text: string) => [node, "-e", `process.stdout.write(${JSON.stringify(text)} + process.argv.slice(1).join(" "))`];

let fleet: TestFleet;
let agent: RunningAgent;
let serverId: string;

beforeAll(async () => {
  process.env.FLEETPLANE_AGENT_TOKEN = TOKEN;
  const config = validateAgentConfig(
    {
      listen: { host: "127.0.0.1", port: 0 },
      operations: {
        restart_services: { command: [...print("restarted "), "{services...}"], parameters: { services: { type: "string_array", required: true } } },
        update_config: {
          command: [...print("configured "), "{log_level}", "{reload}"],
          parameters: { log_level: { type: "string", required: true }, reload: { type: "boolean" } },
        },
        deploy_update: { command: [...print("deployed "), "{version}"], parameters: { version: { type: "string", required: true } } },
        run_health_check: null,
        // Prints its whole environment: the agent's token must not be in it.
        collect_diagnostics: { command: ["env"] },
      },
    },
    TOKEN,
  );
  agent = await startAgent(config);
  fleet = await startTestFleet({ operationRetryIntervalMs: 20 });
  const server = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ api_url: agent.url, api_token: TOKEN }) });
  serverId = server.body.id;
}, 60_000);
afterAll(async () => {
  delete process.env.FLEETPLANE_AGENT_TOKEN;
  await fleet?.close();
  await agent?.close();
});

test.each([
  ["restart_services", { services: ["app.service", "worker.service"] }, "restarted app.service worker.service"],
  ["update_config", { config: { log_level: "debug" }, reload: true }, "configured debug true"],
  ["deploy_update", { version: "1.2.3" }, "deployed 1.2.3"],
  ["run_health_check", {}, '"status"'],
  ["collect_diagnostics", {}, "PATH="],
])("%s runs on the real agent and succeeds with its output and a measured duration", async (type, parameters, output) => {
  const res = await fleet.request("POST", `${FLEET}/operations`, { body: { operation_type: type, server_ids: [serverId], parameters } });
  expect(res.status).toBe(202);
  const done = await finished(fleet, res.body.id);
  const [target] = await allTargets(fleet, res.body.id);
  expect(target, JSON.stringify(target)).toMatchObject({ status: "succeeded" });
  expect(done.status).toBe("completed");
  expect(target.output).toContain(output);
  expect(target.output).not.toContain(TOKEN);
  expect(target.duration_ms).toBeGreaterThanOrEqual(type === "run_health_check" ? 0 : 1);
});

test("update_config with a value the agent cannot take (an object) is 400 at the API", async () => {
  const res = await fleet.request("POST", `${FLEET}/operations`, {
    body: { operation_type: "update_config", server_ids: [serverId], parameters: { config: { log_level: { nested: true } } } },
  });
  expect(res.status).toBe(400);
});

test("a server whose agent never answers fails with the time it took, not 0 ms", async () => {
  const gone = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ api_url: "http://127.0.0.1:9", api_token: TOKEN }) });
  const res = await fleet.request("POST", `${FLEET}/operations`, { body: { operation_type: "run_health_check", server_ids: [gone.body.id] } });
  expect(res.status).toBe(202);
  await finished(fleet, res.body.id);
  const [target] = await allTargets(fleet, res.body.id);
  expect(target).toMatchObject({ status: "failed" });
  expect(target.duration_ms).toBeGreaterThan(0);
});
