// --param key=value typed by the operation type's schema.
import { expect, test } from "vitest";
import { UsageError } from "./exit-codes.js";
import { parametersComponent, parseParameters } from "./operation-parameters.js";

const restart = { type: "object", properties: { services: { type: "array", items: { type: "string" } } }, additionalProperties: false };
const config = {
  type: "object",
  properties: { config: { type: "object" }, reload: { type: "boolean" }, retries: { type: "integer" } },
  additionalProperties: false,
};

test("lists split on commas and accumulate across repeats; booleans, numbers and nested object fields are typed", () => {
  expect(parseParameters(["services=nginx,php-fpm", "services=redis"], restart, "restart_services")).toEqual({
    services: ["nginx", "php-fpm", "redis"],
  });
  expect(parseParameters(["config.log.level=debug", "config.workers=4", "reload=yes", "retries=3"], config, "update_config")).toEqual({
    config: { log: { level: "debug" }, workers: 4 },
    reload: true,
    retries: 3,
  });
  expect(parseParameters(['config={"a":[1]}'], config, "update_config")).toEqual({ config: { a: [1] } });
});

test("a parameter the type does not take, a bad boolean or a missing '=' is a usage error", () => {
  expect(() => parseParameters(["service=nginx"], restart, "restart_services")).toThrow(/its parameters: services/);
  expect(() => parseParameters(["reload=maybe"], config, "update_config")).toThrow(UsageError);
  expect(() => parseParameters(["reload"], config, "update_config")).toThrow(/key=value/);
});

test("the component name follows the operation type", () => {
  expect(parametersComponent("restart_services")).toBe("RestartServicesParameters");
});
