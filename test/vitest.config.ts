// Test runner configuration: unit tests beside the code, cross-package tests in test/.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // The repository root, so test globs and workspace packages resolve from there whatever the cwd.
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    // Every event a local Fleetplane publishes in a test is validated against docs/events/*.json.
    setupFiles: ["test/support/event-contract.ts"],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
