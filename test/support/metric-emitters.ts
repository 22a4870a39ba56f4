// The catalogued metrics some code path emits: every `.metric("Name", …)` call in the packages' sources (tests excluded).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Each metric name emitted, with the source files that emit it. */
export function metricEmitters(): Map<string, string[]> {
  const emitters = new Map<string, string[]>();
  for (const pkg of readdirSync(join(ROOT, "packages"))) {
    const src = join(ROOT, "packages", pkg, "src");
    let files: string[];
    try {
      files = readdirSync(src, { recursive: true, encoding: "utf8" });
    } catch {
      continue;
    }
    for (const file of files.filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
      const text = readFileSync(join(src, file), "utf8");
      for (const match of text.matchAll(/\.metric\(\s*"(\w+)"/g)) {
        emitters.set(match[1]!, [...(emitters.get(match[1]!) ?? []), `packages/${pkg}/src/${file}`]);
      }
    }
  }
  return emitters;
}
