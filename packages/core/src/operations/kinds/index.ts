// The registry of operation types: each type's parameters and how it runs on one server.
import { ValidationFailed } from "../../errors.js";
import type { OperationType } from "../schema.js";
import { collectDiagnostics } from "./collect-diagnostics.js";
import { deployUpdate } from "./deploy-update.js";
import type { OperationKind } from "./kind.js";
import { restartServices } from "./restart-services.js";
import { runHealthCheck } from "./run-health-check.js";
import { updateConfig } from "./update-config.js";

export const OPERATION_KINDS: Record<OperationType, OperationKind> = {
  restart_services: restartServices,
  update_config: updateConfig,
  deploy_update: deployUpdate,
  run_health_check: runHealthCheck,
  collect_diagnostics: collectDiagnostics,
};

export function operationKind(type: OperationType): OperationKind {
  return OPERATION_KINDS[type];
}

/** The parameters as the type defines them, or 400 with a path per problem (`parameters.services.0`). */
export function validParameters(type: OperationType, parameters: Record<string, unknown>): Record<string, unknown> {
  const parsed = OPERATION_KINDS[type].parameters.safeParse(parameters);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ path: ["parameters", ...issue.path].join("."), message: issue.message }));
  throw new ValidationFailed(`parameters do not fit ${type}`, details);
}

export { AgentUnavailable, type OperationKind, type ServerRunResult } from "./kind.js";
