// The local data dir holds the table, the secrets key and the event log: only its owner may read it (0700 for
// directories, 0600 for files), including what an earlier version created with looser modes.
import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

export function prepareDataDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  // Files created from now on by this process (LevelDB, events.jsonl, secrets.key) start owner-only.
  process.umask(0o077);
  tighten(path);
}

function tighten(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tighten(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}
