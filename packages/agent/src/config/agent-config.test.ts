// Tests of start-up config validation: clear messages naming the bad key, safe defaults.
import { describe, expect, it } from "vitest";
import { validateAgentConfig } from "./agent-config.js";

const TOKEN = "a-token-of-sufficient-length";

describe("agent config", () => {
  it("defaults to loopback on port 9100 with no operations allowed", () => {
    const config = validateAgentConfig({}, TOKEN);
    expect(config).toMatchObject({ host: "127.0.0.1", port: 9100, operations: {}, metrics: { buffer_minutes: 180 } });
  });

  it("names the offending key when an operation has no command or an unknown type", () => {
    expect(() => validateAgentConfig({ operations: { restart_services: {} } }, TOKEN)).toThrow(
      /operations\.restart_services: needs `command`/,
    );
    expect(() => validateAgentConfig({ operations: { reboot: {} } }, TOKEN)).toThrow(/operations\.reboot: unknown operation type/);
    expect(() => validateAgentConfig({ operations: { deploy_update: { command: ["deploy", "{version}"] } } }, TOKEN)).toThrow(
      /undeclared parameter "version"/,
    );
    expect(() => validateAgentConfig({ metrics: { buffer_minutes: 60 } }, TOKEN)).toThrow(/metrics\.buffer_minutes/);
  });

  it("allows built-in run_health_check and collect_diagnostics without a command", () => {
    const config = validateAgentConfig({ operations: { run_health_check: null, collect_diagnostics: {} } }, TOKEN);
    expect(Object.keys(config.operations)).toEqual(["run_health_check", "collect_diagnostics"]);
  });
});
