// Bundles the web console (web/) with esbuild into a few content-hashed files under assets/ and an index.html
// that names them: hashed files can be cached for a year, index.html is revalidated, so a deploy upgrades
// every open console on its next load. Used in memory by the local server and, written to web/dist/, by
// `npm run build:console` for the S3/CloudFront deployment.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const WEB_ROOT = fileURLToPath(new URL("../../../web/", import.meta.url));
export const BUILT_CONSOLE = join(WEB_ROOT, "dist");

export interface ConsoleFile {
  body: Uint8Array;
  type: string;
  /** Content-hashed, so it never changes under its name. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json",
};
const typeOf = (path: string) => TYPES[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream";

/** The console's files by URL path ("/index.html", "/assets/main-ABC123.js", ...). */
export async function bundleConsole(): Promise<Map<string, ConsoleFile>> {
  const result = await build({
    entryPoints: [join(WEB_ROOT, "js/main.js"), join(WEB_ROOT, "css/console.css")],
    bundle: true,
    format: "esm",
    target: ["chrome110", "firefox110", "safari16"],
    minify: true,
    sourcemap: "linked",
    entryNames: "assets/[name]-[hash]",
    chunkNames: "assets/[name]-[hash]",
    assetNames: "assets/[name]-[hash]",
    outdir: "/",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const files = new Map<string, ConsoleFile>();
  let script = "";
  let style = "";
  for (const out of result.outputFiles) {
    const path = out.path.startsWith("/") ? out.path : `/${out.path}`;
    files.set(path, { body: out.contents, type: typeOf(path), immutable: true });
    if (path.endsWith(".js")) script = path;
    if (path.endsWith(".css")) style = path;
  }
  const html = readFileSync(join(WEB_ROOT, "index.html"), "utf8")
    .replace('<link rel="stylesheet" href="css/console.css" />', `<link rel="stylesheet" href="${style.slice(1)}" />`)
    .replace('<script type="module" src="js/main.js"></script>', `<script type="module" src="${script.slice(1)}"></script>`);
  if (!html.includes(script.slice(1)) || !html.includes(style.slice(1))) throw new Error("web/index.html no longer names css/console.css and js/main.js");
  files.set("/index.html", { body: new TextEncoder().encode(html), type: typeOf(".html"), immutable: false });
  files.set("/favicon.svg", { body: readFileSync(join(WEB_ROOT, "favicon.svg")), type: typeOf(".svg"), immutable: false });
  return files;
}

/** Writes the bundle to a directory (web/dist by default), replacing what was there. */
export async function writeConsole(outDir = BUILT_CONSOLE): Promise<string[]> {
  const files = await bundleConsole();
  rmSync(outDir, { recursive: true, force: true });
  for (const [path, file] of files) {
    const target = join(outDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.body);
  }
  return [...files.keys()];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const written = await writeConsole(process.argv[2]);
  console.log(`console built: ${written.length} files in ${process.argv[2] ?? BUILT_CONSOLE}`);
}
