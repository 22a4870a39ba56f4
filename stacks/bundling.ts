// How every Lambda handler is built and run: the runtime, SST's nodejs bundling props, and the same esbuild
// options SST derives from them, so tests and benchmarks load the handlers exactly as deployed.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import type { BuildOptions, Plugin } from "esbuild";

/** The newest Lambda Node.js runtime SST 2.49.8 supports; it ships AWS SDK for JavaScript v3. */
export const LAMBDA_RUNTIME = "nodejs24.x";

/**
 * Two substitutions that keep the bundled AWS SDK and zod lean in a Lambda function:
 * - `@aws-sdk/credential-provider-node` (the default chain: INI files, SSO, STS web identity, process, IMDS,
 *   with their own nested SDK clients) becomes the environment provider alone. Lambda always hands a
 *   function its role's credentials in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
 * - zod's `locales` namespace (about fifty translations of its error messages) keeps English only, the
 *   locale zod registers by default; Fleetplane never switches locale.
 */
export const LEAN_LAMBDA_PLUGIN: Plugin = {
  name: "fleetplane-lean-lambda",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) => ({
      path: "environment-credentials",
      namespace: "fleetplane-lean",
      pluginData: { resolveDir: args.resolveDir },
    }));
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core|mini)$/.test(args.resolveDir)
        ? { path: "zod-english-locale", namespace: "fleetplane-lean", pluginData: { resolveDir: join(args.resolveDir, "../locales") } }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "fleetplane-lean" }, (args) => ({
      contents:
        args.path === "environment-credentials"
          ? `export { fromEnv as defaultProvider } from "@aws-sdk/credential-provider-env";`
          : `export { default as en } from "./en.js";`,
      resolveDir: (args.pluginData as { resolveDir: string }).resolveDir,
      loader: "js",
    }));
  },
};

/**
 * SST `nodejs` props of every function. The AWS SDK is bundled, not left to the runtime's copy: a minified,
 * tree-shaken client imports in a third of the time the runtime's hundreds of CommonJS files take
 * (bench/results/bundles.json), and the function runs the SDK version it was tested with.
 * Minified, with a source map beside each bundle to map a logged stack trace back to the TypeScript.
 * Split: what a handler imports dynamically (the API's routers, the KMS, Step Functions and SQS adapters)
 * goes to chunks of its own, loaded when first used, and the rest stays tree-shaken.
 */
export const NODEJS_BUNDLING = {
  format: "esm",
  minify: true,
  sourcemap: true,
  splitting: true,
  esbuild: { external: [] as string[], plugins: [LEAN_LAMBDA_PLUGIN] as Plugin[] },
} as const;

/** A deployed handler's bundle must stay below this many bytes (minified, every chunk, without source maps). */
export const HANDLER_BYTE_BUDGET = 1_000_000;

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The esbuild options SST v2 (sst/runtime/handlers/node.js, mode "deploy") builds for a handler with
 * NODEJS_BUNDLING: bundled ESM for node, its createRequire banner, keepNames, split into `.mjs` files in the
 * entry's directory (the entry keeps its name), then the `esbuild` override. `outfile` is the entry's bundle.
 */
export function handlerBuildOptions(entry: string, outfile: string): BuildOptions {
  const { external, ...override } = NODEJS_BUNDLING.esbuild;
  return {
    entryPoints: [entry],
    platform: "node",
    external: ["sharp", "pg-native", ...external],
    keepNames: true,
    bundle: true,
    logLevel: "silent",
    metafile: true,
    format: "esm",
    target: "esnext",
    mainFields: ["module", "main"],
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        `const require = topLevelCreateRequire(import.meta.url);`,
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
        "",
      ].join("\n"),
    },
    splitting: NODEJS_BUNDLING.splitting,
    outExtension: { ".js": ".mjs" },
    outdir: dirname(outfile),
    sourcemap: NODEJS_BUNDLING.sourcemap,
    minify: NODEJS_BUNDLING.minify,
    ...override,
  };
}

/** Every handler the stacks deploy, by file name under packages/functions/src (`api` for `api.handler`). */
export function deployedHandlers(): Array<{ name: string; entry: string }> {
  const names = new Set<string>();
  for (const file of readdirSync(`${ROOT}stacks`).filter((f) => f.endsWith(".ts"))) {
    for (const match of readFileSync(`${ROOT}stacks/${file}`, "utf8").matchAll(/packages\/functions\/src\/([\w-]+)\.handler/g))
      names.add(match[1]!);
  }
  return [...names].sort().map((name) => ({ name, entry: `${ROOT}packages/functions/src/${name}.ts` }));
}
