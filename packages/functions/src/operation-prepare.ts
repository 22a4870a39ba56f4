// Lambda entry point for the bulk-operation state machine's "Prepare operation" task: the domain task function, logged and counted (operation-task.ts).
import { operationTaskHandler } from "./operation-task.js";

export const handler = operationTaskHandler("prepare", "operation-prepare");
