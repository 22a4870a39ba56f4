// Lambda entry point for the bulk-operation state machine's "Record result" task: the domain task function, logged and counted (operation-task.ts).
import { operationTaskHandler } from "./operation-task.js";

export const handler = operationTaskHandler("recordResult", "operation-record-result");
