// fleetplane login: checks an endpoint and key against the API and saves them as a named profile.
import { createFleetplaneClient, DEFAULT_ENDPOINT, unwrap } from "@fleetplane/client";
import { text, type Command } from "../command.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { profilePath, saveProfile } from "../profiles.js";

export const login: Command = {
  path: ["login"],
  usage: "[--profile NAME] [--endpoint URL] [--key KEY] [--default]",
  summary: "Check an API key and save it with its endpoint as a profile (file mode 0600)",
  options: { default: { type: "boolean" } },
  help: [
    '--profile NAME     the profile to save (default: "default")',
    "--endpoint URL     the API (default FLEETPLANE_ENDPOINT, else http://127.0.0.1:8787)",
    "--key KEY          the API key (default FLEETPLANE_API_KEY, else asked on the terminal)",
    "--default          use this profile when no --profile is given (the first saved one is)",
    "Profiles live in $XDG_CONFIG_HOME/fleetplane/config.json (~/.config/fleetplane/config.json).",
  ],
  examples: [
    "fleetplane login --endpoint https://abc123.execute-api.eu-west-1.amazonaws.com --profile prod",
    'fleetplane login --key "$ADMIN_KEY"',
  ],
  async run(ctx) {
    const { io, values } = ctx;
    const name = text(values, "profile") ?? "default";
    const endpoint = text(values, "endpoint") ?? io.env.FLEETPLANE_ENDPOINT ?? DEFAULT_ENDPOINT;
    let key = text(values, "key") ?? io.env.FLEETPLANE_API_KEY;
    if (!key && io.stdin?.isTTY) {
      io.stderr.write(`API key for ${endpoint}: `);
      key = (await readSecret(io.stdin as NodeJS.ReadStream)).trim();
      io.stderr.write("\n");
    }
    if (!key) throw new UsageError("give the API key with --key or FLEETPLANE_API_KEY");
    const me = await unwrap(createFleetplaneClient({ endpoint, key }).api.GET("/api/v1/fleet/me"));
    const path = profilePath(io.env);
    saveProfile(path, name, { endpoint, key }, Boolean(values.default));
    ctx.printJson({ profile: name, endpoint, organization_id: me.organization_id, role: me.role, file: path });
    ctx.print(`saved profile ${name}: ${me.role} key of organization ${me.organization_id} at ${endpoint} (${path})`);
    return EXIT.ok;
  },
};

/** One line from the terminal without echoing it (the key stays off the screen and out of scrollback). */
function readSecret(stdin: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed = "";
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (error?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new UsageError("login interrupted"));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on("data", onData);
  });
}
