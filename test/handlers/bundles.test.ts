// Every deployed handler bundles with the deploy's settings and stays lean: under the byte budget, the AWS SDK
// without its unused credential providers, core imported by sub-path rather than through its barrel.
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
    expect(NODEJS_BUNDLING).toMatchObject({ format: "esm", minify: true, sourcemap: true, splitting: true, esbuild: { external: [] } });
  });

  test("every handler bundle is under the byte budget, with a lean AWS SDK and without the core barrel", async () => {
    const bundles = await currentHandlerBundles();
    expect(bundles).toHaveLength(deployedHandlers().length);
    for (const bundle of bundles) {
      expect(bundle.bytes, `${bundle.name} is ${bundle.bytes} bytes`).toBeLessThan(HANDLER_BYTE_BUDGET);
      // The SDK is bundled, but not the credential chain's file, SSO and STS providers, nor zod's translations.
      expect(bundle.inputs.filter((input) => /node_modules\/@aws-sdk\/(credential-provider-(node|ini|sso|web-identity|process)|client-sts|client-sso|nested-clients)\//.test(input))).toEqual([]);
      expect(bundle.inputs.filter((input) => /zod\/v4\/locales\/(?!en\.js)/.test(input))).toEqual([]);
      expect(bundle.inputs).not.toContain("packages/core/src/index.ts");
      expect(bundle.inputs.some((input) => input.startsWith("node_modules/sst/"))).toBe(false);
      // The API reads its one SSM parameter with a signed request (ssm-parameters.ts), not the SSM client.
      expect(bundle.inputs.filter((input) => input.includes("@aws-sdk/client-ssm/"))).toEqual([]);
    }
  });
});
