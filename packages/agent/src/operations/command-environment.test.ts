// Commands see the base allowlist and configured extras, never the agent's token.
import { afterEach, expect, test } from "vitest";
import { commandEnvironment } from "./command-environment.js";
import { runCommand } from "./command-runner.js";
import { OperationCatalog } from "./operation-catalog.js";

afterEach(() => {
  delete process.env.FLEETPLANE_AGENT_TOKEN;
  delete process.env.APP_SECRET;
  delete process.env.APP_REGION;
});

test("the environment holds the allowlist and named extras, and never the agent token even when named", () => {
  const env = commandEnvironment(["APP_REGION", "FLEETPLANE_AGENT_TOKEN"], {
    PATH: "/bin",
    LANG: "C.UTF-8",
    APP_REGION: "eu",
    APP_SECRET: "s",
    FLEETPLANE_AGENT_TOKEN: "agent-token-value",
  });
  expect(env).toEqual({ PATH: "/bin", LANG: "C.UTF-8", APP_REGION: "eu" });
});

test("an operation that prints its environment shows no token and no unlisted variable", async () => {
  process.env.FLEETPLANE_AGENT_TOKEN = "agent-token-value-0123456789";
  process.env.APP_SECRET = "not-for-commands";
  process.env.APP_REGION = "eu-west-1";
  const catalog = new OperationCatalog(
    { collect_diagnostics: { commands: [["env"]], parameters: {}, timeout_seconds: 10 } },
    {},
    commandEnvironment(["APP_REGION"]),
  );
  const result = await catalog.prepare({ operation_type: "collect_diagnostics", parameters: {} } as never).run();
  expect(result.status).toBe("succeeded");
  expect(result.output).toContain("APP_REGION=eu-west-1");
  expect(result.output).toContain("PATH=");
  expect(result.output).not.toContain("agent-token-value");
  expect(result.output).not.toContain("APP_SECRET");
  const plain = await runCommand(["env"], 10_000);
  expect(plain.output).not.toContain("FLEETPLANE_AGENT_TOKEN");
});
