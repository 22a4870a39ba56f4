// The environment a command runs with: a short allowlist of what programs need to behave (PATH, locale, home),
// plus the variables the config names. Never the agent's token, which an operation's output would otherwise leak.
export const BASE_COMMAND_ENV = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR"] as const;

/** Variables a config may never pass on to commands. */
const NEVER_PASSED = /^FLEETPLANE_AGENT_TOKEN/;

export function isPassableVariable(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !NEVER_PASSED.test(name);
}

export function commandEnvironment(extras: readonly string[], from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_COMMAND_ENV, ...extras]) {
    const value = from[name];
    if (value !== undefined && isPassableVariable(name)) env[name] = value;
  }
  env.PATH ??= "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  return env;
}
