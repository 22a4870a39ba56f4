// Tests of parameter validation and argv expansion for configured operation commands.
import { describe, expect, it } from "vitest";
import type { OperationConfig } from "../config/agent-config.js";
import { expandArgv, validateParameters } from "./operation-parameters.js";

const config: OperationConfig = {
  commands: [["systemctl", "restart", "--", "{units...}"]],
  timeout_seconds: 10,
  parameters: {
    units: { type: "string_array", required: true, pattern: "^[a-z0-9@._-]+$", max_length: 64 },
    force: { type: "boolean", required: false, max_length: 4096 },
  },
};

describe("operation parameters", () => {
  it("spreads a list parameter into separate argv elements and drops absent optional ones", () => {
    const values = validateParameters(config, { units: ["nginx.service", "app@1.service"] });
    expect(expandArgv(["systemctl", "restart", "--", "{units...}", "{force}"], values)).toEqual([
      "systemctl",
      "restart",
      "--",
      "nginx.service",
      "app@1.service",
    ]);
  });

  it("rejects values failing the pattern, wrong types, unknown names and missing required ones, naming each", () => {
    const attempt = (parameters: Record<string, unknown>) => {
      try {
        validateParameters(config, parameters);
        return [];
      } catch (error) {
        return (error as { details: Array<{ path: string }> }).details.map((d) => d.path);
      }
    };
    expect(attempt({ units: ["nginx; reboot"] })).toEqual(["parameters.units[0]"]);
    expect(attempt({ units: "nginx" })).toEqual(["parameters.units"]);
    expect(attempt({ units: ["a"], force: "yes", extra: 1 })).toEqual(["parameters.extra", "parameters.force"]);
    expect(attempt({})).toEqual(["parameters.units"]);
  });
});
