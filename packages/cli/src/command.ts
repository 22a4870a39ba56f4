// The shape of a command and what it is given to run: parsed options, the API client, output settings.
import type { ParseArgsConfig } from "node:util";
import type { FleetplaneClient } from "@fleetplane/client";
import type { Connection } from "./connection.js";
import type { CliIO, OutputMode } from "./io.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  io: CliIO;
  mode: OutputMode;
  values: OptionValues;
  positionals: string[];
  connection(): Connection;
  /** The API client for the resolved connection (created on first use, so `--help` needs no API). */
  client(): FleetplaneClient;
  /** Writes a result for people; nothing with --quiet or --json. */
  print(text: string): void;
  /** Writes the one JSON document of --json. */
  printJson(value: unknown): void;
  /** A note on stderr (progress, hints); nothing with --quiet. */
  note(text: string): void;
}

export interface Command {
  /** Words that select the command: ["servers", "list"]. */
  path: string[];
  /** `<ID|NAME> [options]` after the path. */
  usage: string;
  summary: string;
  options?: OptionSpec;
  /** Lines of `--option VALUE  what it does` for --help. */
  help?: string[];
  examples: string[];
  run(ctx: CommandContext): Promise<number>;
}

export const text = (values: OptionValues, name: string): string | undefined => {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
};

export const list = (values: OptionValues, name: string): string[] => {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
};
