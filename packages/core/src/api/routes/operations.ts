// /operations: bulk operations across servers. Each handler parses, calls the domain, responds.
import { createRoute } from "@hono/zod-openapi";
import { cancelOperation } from "../../operations/cancel-operation.js";
import { createOperation } from "../../operations/create-operation.js";
import { OPERATION_KINDS } from "../../operations/kinds/index.js";
import { getOperation, listOperations, listOperationTargets } from "../../operations/queries.js";
import {
  DryRun,
  Operation,
  OperationCreate,
  OperationListQuery,
  OperationPage,
  OperationTargetPage,
  OperationTargetQuery,
} from "../../operations/schema.js";
import { errorResponses, IdParam, json, jsonBody, router } from "../env.js";
import { requireRole } from "../middleware/auth.js";

export const operations = router();
const tags = ["operations"];

// Each operation type's parameters as a named schema (RestartServicesParameters...), so clients can type `parameters`.
for (const kind of Object.values(OPERATION_KINDS)) {
  const name = kind.type.replace(/(^|_)(\w)/g, (_, _sep: string, letter: string) => letter.toUpperCase());
  operations.openAPIRegistry.register(`${name}Parameters`, kind.parameters);
}

operations.openapi(
  createRoute({
    method: "post",
    path: "/operations",
    tags,
    summary: "Start a bulk operation (or preview its targets with dry_run)",
    operationId: "startOperation",
    middleware: [requireRole("operator")],
    request: { body: jsonBody(OperationCreate) },
    responses: {
      202: json(Operation, "accepted: the workflow runs it"),
      200: json(DryRun, "dry run: the resolved targets, nothing started"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const result = await createOperation(c.get("ctx"), c.get("caller"), c.req.valid("json"));
    if ("dryRun" in result) return c.json(result.dryRun, 200);
    return c.json(result.operation, 202);
  },
);

operations.openapi(
  createRoute({
    method: "get",
    path: "/operations",
    tags,
    summary: "List operations, newest first",
    operationId: "listOperations",
    request: { query: OperationListQuery },
    responses: { 200: json(OperationPage), ...errorResponses },
  }),
  async (c) => c.json(await listOperations(c.get("ctx"), c.get("caller").organizationId, c.req.valid("query")), 200),
);

operations.openapi(
  createRoute({
    method: "get",
    path: "/operations/{id}",
    tags,
    summary: "Get an operation with its counters and progress",
    operationId: "getOperation",
    request: { params: IdParam },
    responses: { 200: json(Operation), ...errorResponses },
  }),
  async (c) => c.json(await getOperation(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id), 200),
);

operations.openapi(
  createRoute({
    method: "get",
    path: "/operations/{id}/servers",
    tags,
    summary: "Per-server progress of an operation, in target order",
    operationId: "listOperationServers",
    request: { params: IdParam, query: OperationTargetQuery },
    responses: { 200: json(OperationTargetPage), ...errorResponses },
  }),
  async (c) =>
    c.json(await listOperationTargets(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id, c.req.valid("query")), 200),
);

operations.openapi(
  createRoute({
    method: "post",
    path: "/operations/{id}/cancel",
    tags,
    summary: "Cancel: no new server starts, running ones finish (409 once finished)",
    operationId: "cancelOperation",
    middleware: [requireRole("operator")],
    request: { params: IdParam },
    responses: { 202: json(Operation, "cancelling"), ...errorResponses },
  }),
  async (c) => c.json(await cancelOperation(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id), 202),
);
