// Which API and key a command uses: flags, then an explicit --profile, then FLEETPLANE_* variables, then the default profile.
import { DEFAULT_ENDPOINT } from "@fleetplane/client";
import { UsageError } from "./exit-codes.js";
import { profilePath, readProfiles } from "./profiles.js";

export interface Connection {
  endpoint: string;
  key: string | undefined;
  /** Where the settings came from, for `fleetplane login` messages and errors. */
  profile: string | undefined;
}

export interface ConnectionFlags {
  endpoint?: string;
  key?: string;
  profile?: string;
}

export function resolveConnection(flags: ConnectionFlags, env: Record<string, string | undefined>): Connection {
  const file = readProfiles(profilePath(env));
  const explicit = flags.profile ?? env.FLEETPLANE_PROFILE;
  if (explicit && !file.profiles[explicit]) {
    throw new UsageError(
      `no profile "${explicit}" (saved profiles: ${Object.keys(file.profiles).join(", ") || "none"}); create it with fleetplane login --profile ${explicit}`,
    );
  }
  // The default profile applies only when nothing else names an API or key: its key must never go to another endpoint.
  const fromElsewhere = flags.endpoint ?? flags.key ?? env.FLEETPLANE_ENDPOINT ?? env.FLEETPLANE_API_KEY;
  const profileName = explicit ?? (fromElsewhere === undefined ? file.default_profile : undefined);
  const profile = profileName ? file.profiles[profileName] : undefined;

  const endpoint = flags.endpoint ?? profile?.endpoint ?? env.FLEETPLANE_ENDPOINT ?? DEFAULT_ENDPOINT;
  const key = flags.key ?? profile?.key ?? env.FLEETPLANE_API_KEY;
  try {
    new URL(endpoint);
  } catch {
    throw new UsageError(`the endpoint "${endpoint}" is not a URL (e.g. http://127.0.0.1:8787)`);
  }
  return { endpoint, key, profile: profile ? profileName : undefined };
}
