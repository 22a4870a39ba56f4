// Builds every deployed Lambda handler with the deploy's esbuild options (stacks/bundling.ts) into a directory
// under node_modules/.cache, where the external `@aws-sdk/*` imports resolve to the repository's SDK.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { deployedHandlers, handlerBuildOptions } from "../../stacks/bundling.js";

export interface HandlerBundle {
  name: string;
  /** The bundle's absolute path (`<name>.mjs`, as SST names ESM handlers). */
  file: string;
  /** The entry and its chunks (`chunk-*.mjs`, the modules it imports on first use), all in the entry's directory. */
  files: string[];
  /** Bytes of every file in `files`. */
  bytes: number;
  gzipBytes: number;
  /** Source files esbuild put in the bundle, relative to the repository root. */
  inputs: string[];
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CACHE = join(ROOT, "node_modules/.cache/fleetplane-handlers");

/** Bundles every deployed handler into `dir` and describes each bundle. */
export async function bundleHandlers(dir: string): Promise<HandlerBundle[]> {
  mkdirSync(dir, { recursive: true });
  return Promise.all(deployedHandlers().map(({ name, entry }) => bundleHandler(dir, name, entry)));
}

/**
 * The bundles of the current sources, built once and reused by every test file (and later runs) until a
 * source file, the deploy settings or the lockfile change. Builds go to a scratch name and are renamed into
 * place, so test files running in parallel never load a half-written bundle.
 */
export async function currentHandlerBundles(): Promise<HandlerBundle[]> {
  const digest = sourceDigest();
  const dir = join(CACHE, digest);
  // Bundles of earlier sources are never read again.
  if (!existsSync(dir) && existsSync(CACHE)) {
    for (const old of readdirSync(CACHE)) if (old !== digest) rmSync(join(CACHE, old), { recursive: true, force: true });
  }
  return Promise.all(
    deployedHandlers().map(async ({ name, entry }) => {
      const described = join(dir, `${name}.json`);
      if (existsSync(described)) return JSON.parse(readFileSync(described, "utf8")) as HandlerBundle;
      const scratch = join(dir, `.${name}-${process.pid}`);
      mkdirSync(scratch, { recursive: true });
      const built = await bundleHandler(scratch, name, entry);
      for (const file of readdirSync(scratch)) renameSync(join(scratch, file), join(dir, file));
      const bundle = { ...built, file: join(dir, `${name}.mjs`), files: built.files.map((f) => join(dir, basename(f))) };
      renameSync(writeJson(join(scratch, `${name}.json`), bundle), described);
      rmSync(scratch, { recursive: true, force: true });
      return bundle;
    }),
  );
}

async function bundleHandler(dir: string, name: string, entry: string): Promise<HandlerBundle> {
  const file = join(dir, `${name}.mjs`);
  const result = await build(handlerBuildOptions(entry, file));
  // The entry and the chunks it loads, now or on first use; metafile paths are relative to the working directory.
  const files = Object.keys((result.metafile as Metafile).outputs)
    .filter((output) => output.endsWith(".mjs"))
    .map((output) => resolve(output));
  return {
    name,
    file,
    files,
    bytes: files.reduce((sum, f) => sum + statSync(f).size, 0),
    gzipBytes: files.reduce((sum, f) => sum + gzipSync(readFileSync(f)).length, 0),
    inputs: Object.keys((result.metafile as Metafile).inputs),
  };
}

function writeJson(file: string, value: unknown): string {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
  return file;
}

/** A digest of everything a bundle is built from. */
function sourceDigest(): string {
  const hash = createHash("sha256");
  const files = ["stacks/bundling.ts", "package-lock.json", "packages/core/package.json", "packages/functions/package.json", ...listTs("packages/core/src"), ...listTs("packages/functions/src")];
  for (const file of files) hash.update(file).update(readFileSync(join(ROOT, file)));
  return hash.digest("hex").slice(0, 16);
}

function listTs(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort()
    .map((f) => `${dir}/${f}`);
}
