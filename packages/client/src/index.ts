// @fleetplane/client: a typed client for the Fleetplane API.
export {
  createFleetplaneClient,
  unwrap,
  DEFAULT_ENDPOINT,
  API_BASE,
  type FleetplaneClient,
  type FleetplaneClientOptions,
  type RetryNotice,
} from "./client.js";
export { FleetplaneApiError, FleetplaneNetworkError, type ErrorEnvelope, type ErrorDetail } from "./errors.js";
export { pages, items, allItems, type Page } from "./pagination.js";
export { DEFAULT_RETRY, retryable, retryDelay, type RetryPolicy } from "./retry.js";
export type { paths, components, operations } from "./generated/openapi.js";

import type { components } from "./generated/openapi.js";
type Schemas = components["schemas"];
export type Server = Schemas["Server"];
export type ServerCreate = Schemas["ServerCreate"];
export type ServerUpdate = Schemas["ServerUpdate"];
export type Group = Schemas["Group"];
export type Operation = Schemas["Operation"];
export type OperationCreate = Schemas["OperationCreate"];
export type OperationTarget = Schemas["OperationTarget"];
export type FleetSummary = Schemas["FleetSummary"];
