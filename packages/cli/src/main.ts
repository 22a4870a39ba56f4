// fleetplane: finds the command in argv, parses its options, runs it and turns any failure into an exit code.
import { parseArgs } from "node:util";
import { createFleetplaneClient, FleetplaneApiError, FleetplaneNetworkError, type FleetplaneClient } from "@fleetplane/client";
import packageJson from "../package.json" with { type: "json" };
import type { Command, CommandContext, OptionSpec } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { resolveConnection, type Connection } from "./connection.js";
import { EXIT, UsageError } from "./exit-codes.js";
import { colourWanted, paint, type CliIO, type OutputMode } from "./io.js";

const GLOBAL_OPTIONS: OptionSpec = {
  endpoint: { type: "string" },
  key: { type: "string" },
  profile: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  "no-color": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
};
const GLOBAL_WITH_VALUE = new Set(["--endpoint", "--key", "--profile"]);

const GLOBAL_HELP = `Connection (every command):
  --endpoint URL     the API (env FLEETPLANE_ENDPOINT; default http://127.0.0.1:8787)
  --key KEY          an API key (env FLEETPLANE_API_KEY)
  --profile NAME     a profile saved by \`fleetplane login\` (env FLEETPLANE_PROFILE); without one,
                     the default profile applies unless --endpoint/--key or the variables are given
Output:
  --json             one JSON document on stdout (events tail: one per line)
  -q, --quiet        print nothing but errors (ids for commands that create)
  --no-color         no colours (they are only used on a terminal anyway; NO_COLOR is honoured)

Exit codes:
  0  success (an operation ended completed)
  1  the work failed (an operation ended failed, partial or cancelled; an import row failed)
  2  usage error (unknown command or option, missing or bad argument)
  3  API or network error (the API refused the request, or could not be reached)`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { command, rest, words } = findCommand(argv);
  const noColor = argv.includes("--no-color");
  const mode: OutputMode = { json: argv.includes("--json"), quiet: argv.includes("--quiet") || argv.includes("-q"), color: false };
  mode.color = colourWanted(io.stdout, io.env, noColor);
  const errorMode: OutputMode = { ...mode, color: colourWanted(io.stderr, io.env, noColor) };
  const fail = (message: string) => io.stderr.write(`${paint(errorMode, "red", "error:")} ${message}\n`);

  if (!command) {
    if (argv.includes("--version")) {
      io.stdout.write(`${packageJson.version}\n`);
      return EXIT.ok;
    }
    const asked = argv.includes("--help") || argv.includes("-h");
    if (words.length && !asked) fail(`unknown command "${words.join(" ")}"`);
    io[asked ? "stdout" : "stderr"].write(overview(words));
    return asked ? EXIT.ok : EXIT.usage;
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    fail((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
    io.stderr.write(`usage: fleetplane ${command.path.join(" ")} ${command.usage}\n(see fleetplane ${command.path.join(" ")} --help)\n`);
    return EXIT.usage;
  }
  const values = parsed.values as CommandContext["values"];
  if (values.help) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }

  let connection: Connection | undefined;
  let client: FleetplaneClient | undefined;
  const ctx: CommandContext = {
    io,
    mode,
    values,
    positionals: parsed.positionals,
    connection: () =>
      (connection ??= resolveConnection(
        { endpoint: values.endpoint as string, key: values.key as string, profile: values.profile as string },
        io.env,
      )),
    client: () => (client ??= createFleetplaneClient({ endpoint: ctx.connection().endpoint, key: ctx.connection().key })),
    print: (text) => {
      if (!mode.json && !mode.quiet) io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    printJson: (value) => {
      if (mode.json) io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    note: (text) => {
      if (!mode.quiet) io.stderr.write(`${text}\n`);
    },
  };

  try {
    return await command.run(ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      fail(error.message);
      io.stderr.write(`usage: fleetplane ${command.path.join(" ")} ${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof FleetplaneApiError) {
      fail(`${error.message} (${error.status} ${error.code})`);
      for (const detail of error.details) io.stderr.write(`  ${detail.path}: ${detail.message}\n`);
      if (error.status === 401) io.stderr.write(`  (check --key, FLEETPLANE_API_KEY or the profile; \`fleetplane login\` saves one)\n`);
      return EXIT.api;
    }
    if (error instanceof FleetplaneNetworkError) {
      fail(error.message);
      return EXIT.api;
    }
    fail(error instanceof Error ? error.message : String(error));
    return EXIT.workFailed;
  }
}

/** The command named by the first words of argv (global options may come before them), and the arguments left. */
function findCommand(argv: string[]): { command: Command | undefined; rest: string[]; words: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith("-")) {
    leading.push(argv[i]!);
    if (GLOBAL_WITH_VALUE.has(argv[i]!) && i + 1 < argv.length) leading.push(argv[++i]!);
    i++;
  }
  const words: string[] = [];
  let command: Command | undefined;
  let used = 0;
  for (let j = i; j < argv.length && !argv[j]!.startsWith("-"); j++) {
    words.push(argv[j]!);
    const match = COMMANDS.find((c) => c.path.length === words.length && c.path.every((w, k) => w === words[k]));
    if (match) {
      command = match;
      used = words.length;
    }
    if (!COMMANDS.some((c) => words.every((w, k) => c.path[k] === w))) break;
  }
  return { command, rest: [...leading, ...argv.slice(i + used)], words: command ? command.path : words.slice(0, 2) };
}

function overview(prefix: string[]): string {
  const shown = COMMANDS.filter((c) => prefix.every((w, k) => c.path[k] === w));
  const commands = shown.length ? shown : COMMANDS;
  const width = Math.max(...commands.map((c) => c.path.join(" ").length));
  const lines = commands.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`);
  return [
    "fleetplane: the command line for a Fleetplane control plane",
    "",
    "Usage: fleetplane <command> [options]   (fleetplane <command> --help for its options and examples)",
    "",
    "Commands:",
    ...lines,
    "",
    GLOBAL_HELP,
    "",
  ].join("\n");
}

function commandHelp(command: Command): string {
  return [
    `fleetplane ${command.path.join(" ")}: ${command.summary}`,
    "",
    `Usage: fleetplane ${command.path.join(" ")} ${command.usage}`,
    ...(command.help?.length ? ["", "Options:", ...command.help.map((l) => `  ${l}`)] : []),
    "",
    "Examples:",
    ...command.examples.map((e) => `  ${e}`),
    "",
    GLOBAL_HELP,
    "",
  ].join("\n");
}
