// fleetplane keys create|list|revoke: the organization's API keys (admin).
import { unwrap } from "@fleetplane/client";
import { text, type Command } from "../command.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { table } from "../io.js";
import { onePositional } from "../references.js";

const ROLES = ["viewer", "operator", "admin"] as const;

const keysCreate: Command = {
  path: ["keys", "create"],
  usage: "<NAME> --role viewer|operator|admin",
  summary: "Create an API key; the key is printed once",
  options: { role: { type: "string" } },
  help: ["--role R           viewer reads; operator also runs checks and operations; admin also changes the registry and keys"],
  examples: ["fleetplane keys create ci-deploy --role operator", "KEY=$(fleetplane keys create nightly --role viewer --quiet)"],
  async run(ctx) {
    const name = onePositional(ctx.positionals, "a key name");
    const role = text(ctx.values, "role");
    if (!role || !(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
    const created = await unwrap(ctx.client().api.POST("/api/v1/fleet/api-keys", { body: { name, role: role as (typeof ROLES)[number] } }));
    ctx.printJson(created);
    if (ctx.mode.quiet && !ctx.mode.json) ctx.io.stdout.write(`${created.key}\n`);
    ctx.print(`created ${created.role} key ${created.name} (${created.id})\n${created.key}\nStore it now: it is not shown again.`);
    return EXIT.ok;
  },
};

const keysList: Command = {
  path: ["keys", "list"],
  usage: "",
  summary: "List API keys (names and roles; never the keys)",
  examples: ["fleetplane keys list"],
  async run(ctx) {
    const body = await unwrap(ctx.client().api.GET("/api/v1/fleet/api-keys"));
    ctx.printJson(body);
    ctx.print(
      table(
        ["NAME", "ROLE", "CREATED", "ID"],
        body.items.map((k) => [k.name, k.role, k.created_at, k.id]),
      ),
    );
    return EXIT.ok;
  },
};

const keysRevoke: Command = {
  path: ["keys", "revoke"],
  usage: "<ID>",
  summary: "Revoke an API key",
  examples: ["fleetplane keys revoke 0190c5c3-7e2a-7000-8000-000000000000"],
  async run(ctx) {
    const id = onePositional(ctx.positionals, "a key id");
    await ctx.client().api.DELETE("/api/v1/fleet/api-keys/{id}", { params: { path: { id } } });
    ctx.printJson({ id, revoked: true });
    ctx.print(`revoked ${id}`);
    return EXIT.ok;
  },
};

export const keyCommands = [keysCreate, keysList, keysRevoke];
