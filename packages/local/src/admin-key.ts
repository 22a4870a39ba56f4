// Where `npm start` takes the platform key from: --admin-key, --admin-key-file, or their environment variables.
// A file keeps the key out of `ps` and shell history; one source at a time, so which key is in force is never a guess.
import { readFileSync } from "node:fs";

export interface AdminKeySources {
  flag?: string;
  file?: string;
  env: NodeJS.ProcessEnv;
}

export function adminKeyFrom({ flag, file, env }: AdminKeySources): string | undefined {
  const given = [
    flag !== undefined && "--admin-key",
    file !== undefined && "--admin-key-file",
    env.FLEETPLANE_ADMIN_API_KEY !== undefined && "FLEETPLANE_ADMIN_API_KEY",
    env.FLEETPLANE_ADMIN_API_KEY_FILE !== undefined && "FLEETPLANE_ADMIN_API_KEY_FILE",
  ].filter(Boolean);
  // A flag overrides its environment variable; two different kinds of source at once are refused.
  const flagged = flag !== undefined || file !== undefined;
  if (flag !== undefined && file !== undefined) throw new Error(`give the platform key one way, not ${given.join(" and ")}`);
  if (!flagged && env.FLEETPLANE_ADMIN_API_KEY !== undefined && env.FLEETPLANE_ADMIN_API_KEY_FILE !== undefined)
    throw new Error("give the platform key one way, not FLEETPLANE_ADMIN_API_KEY and FLEETPLANE_ADMIN_API_KEY_FILE");
  const path = file ?? (flag === undefined ? env.FLEETPLANE_ADMIN_API_KEY_FILE : undefined);
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new Error(`cannot read the admin key file ${path}: ${(error as Error).message}`);
    }
    return text.trim();
  }
  return flag ?? env.FLEETPLANE_ADMIN_API_KEY;
}
