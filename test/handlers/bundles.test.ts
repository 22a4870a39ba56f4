// Every deployed handler bundles with the deploy's settings and stays lean: under the byte budget, the AWS SDK
// left to the Lambda runtime, core imported by sub-path rather than through its barrel.
import { describe, expect, test } from "vitest";
import { deployedHandlers, HANDLER_BYTE_BUDGET, LAMBDA_RUNTIME, NODEJS_BUNDLING } from "../../stacks/bundling.js";
import { currentHandlerBundles } from "../support/handler-bundles.js";

describe("handler bundles", () => {
  test("the stacks deploy the ten handlers of packages/functions, each bundled on the newest Node.js runtime", async () => {
    expect(deployedHandlers().map((h) => h.name)).toEqual([
      "api",
      "operation-ended",
      "operation-finalize",
      "operation-prepare",
      "operation-record-result",
      "operation-run-on-server",
      "outbox-publisher",
      "probe-dispatcher",
      "probe-worker",
      "webhook-delivery",
    ]);
    expect(LAMBDA_RUNTIME).toBe("nodejs24.x");
    expect(NODEJS_BUNDLING).toMatchObject({ format: "esm", minify: true, sourcemap: true, esbuild: { external: ["@aws-sdk/*"] } });
  });

  test("every handler bundle is under the byte budget, without the AWS SDK or the core barrel", async () => {
    const bundles = await currentHandlerBundles();
    expect(bundles).toHaveLength(deployedHandlers().length);
    for (const bundle of bundles) {
      expect(bundle.bytes, `${bundle.name} is ${bundle.bytes} bytes`).toBeLessThan(HANDLER_BYTE_BUDGET);
      // The X-Ray SDK pins its own copy of one small smithy module (error classification), which is bundled with it.
      const sdk = bundle.inputs.filter(
        (input) =>
          (input.includes("node_modules/@aws-sdk/") || input.includes("node_modules/@smithy/")) &&
          !input.startsWith("node_modules/aws-xray-sdk-core/node_modules/@smithy/service-error-classification/"),
      );
      expect(sdk).toEqual([]);
      expect(bundle.inputs).not.toContain("packages/core/src/index.ts");
      expect(bundle.inputs.some((input) => input.startsWith("node_modules/sst/"))).toBe(false);
    }
  });
});
