// Every fleetplane command, in the order --help lists them.
import type { Command } from "../command.js";
import { check } from "./check.js";
import { eventsTail } from "./events.js";
import { groupCommands } from "./groups.js";
import { keyCommands } from "./keys.js";
import { login } from "./login.js";
import { operationCommands } from "./ops.js";
import { serverCommands } from "./servers.js";
import { serversImport } from "./servers-import.js";
import { summary } from "./summary.js";

export const COMMANDS: Command[] = [
  login,
  summary,
  ...serverCommands,
  serversImport,
  ...groupCommands,
  check,
  ...operationCommands,
  eventsTail,
  ...keyCommands,
];
