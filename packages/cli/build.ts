// Bundles the CLI and its dependencies (client, openapi-fetch, yaml) into dist/fleetplane.js, so the
// published package runs on plain Node with no dependencies and no TypeScript loader.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

export async function bundleCli(outfile: string = fileURLToPath(new URL("./dist/fleetplane.js", import.meta.url))) {
  await build({
    entryPoints: [fileURLToPath(new URL("./src/entry.ts", import.meta.url))],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    legalComments: "none",
    // Some bundled CommonJS (yaml's) requires Node built-ins; an ES module bundle needs a require for them.
    banner: { js: 'import { createRequire as fleetplaneRequire } from "node:module"; const require = fleetplaneRequire(import.meta.url);' },
    logLevel: "warning",
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(`built ${await bundleCli()}`);
