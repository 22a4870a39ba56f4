// Named connection profiles saved by `fleetplane login`, in a 0600 file under the user's config directory.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface Profile {
  endpoint: string;
  key: string;
}

export interface ProfileFile {
  default_profile?: string;
  profiles: Record<string, Profile>;
}

/** $XDG_CONFIG_HOME/fleetplane/config.json, else ~/.config/... (%APPDATA% on Windows). */
export function profilePath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || (process.platform === "win32" && env.APPDATA) || join(env.HOME || homedir(), ".config");
  return join(base, "fleetplane", "config.json");
}

export function readProfiles(path: string): ProfileFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { profiles: {} };
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<ProfileFile>;
  return { ...parsed, profiles: parsed.profiles ?? {} };
}

/** Writes the file readable by its owner only; the directory too, since the file holds API keys. */
export function saveProfile(path: string, name: string, profile: Profile, makeDefault: boolean): ProfileFile {
  const file = readProfiles(path);
  file.profiles[name] = profile;
  if (makeDefault || !file.default_profile) file.default_profile = name;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(file, null, 2) + "\n", { mode: 0o600 });
  chmodSync(path, 0o600);
  return file;
}
