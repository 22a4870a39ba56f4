// Lambda entry point for the bulk-operation state machine's "Run on server" task: the domain task function, logged and counted (operation-task.ts).
import { operationTaskHandler } from "./operation-task.js";

export const handler = operationTaskHandler("runOnServer", "operation-run-on-server");
