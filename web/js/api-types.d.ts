// The API's types as the console reads them: the paths and schemas generated from the OpenAPI document
// (@fleetplane/client), keyed by the path under /api/v1/fleet, with the request and answer of each method.
import type { components, paths } from "@fleetplane/client";

type Schemas = components["schemas"];
type Prefix = "/api/v1/fleet";

/** The fleet API's paths without their common prefix: "/servers", "/servers/{id}", ... */
export type FleetPaths = { [K in keyof paths as K extends `${Prefix}${infer Rest}` ? Rest : never]: paths[K] };
export type Method = "get" | "post" | "patch" | "put" | "delete";
/** The paths that answer `method`. */
export type PathOf<M extends Method> = { [P in keyof FleetPaths]: FleetPaths[P] extends { [K in M]: object } ? P : never }[keyof FleetPaths];
type OperationOf<P extends keyof FleetPaths, M extends Method> = FleetPaths[P] extends { [K in M]: infer O } ? O : never;

/** Path parameters and query of a call: `{ path: { id }, query: { limit } }`. */
export type Params<P extends keyof FleetPaths, M extends Method> =
  OperationOf<P, M> extends { parameters: { path?: infer Path; query?: infer Query } }
    ? ([NonNullable<Path>] extends [never] ? { path?: undefined } : { path: Path }) &
        ([NonNullable<Query>] extends [never] ? { query?: undefined } : { query?: Query })
    : never;
/** The JSON body a call sends. */
export type Body<P extends keyof FleetPaths, M extends Method> =
  OperationOf<P, M> extends { requestBody?: { content: { "application/json": infer B } } } ? B : undefined;
type SuccessStatus = 200 | 201 | 202 | 204;
/** The JSON a call's success answers with (a union when statuses differ, as a dry run's 200 and a start's 202). */
export type Answer<P extends keyof FleetPaths, M extends Method> =
  OperationOf<P, M> extends { responses: infer R }
    ? { [S in keyof R & SuccessStatus]: R[S] extends { content: { "application/json": infer B } } ? B : undefined }[keyof R & SuccessStatus]
    : never;

export type Server = Schemas["Server"];
/**
 * A server as the list returns it: the record plus, from the latest health check and metrics, when it was last
 * checked and its CPU and memory (null when it has none yet; absent from an API that predates them).
 */
export type ListedServer = Server & {
  last_check_at?: string | null;
  cpu_percent?: number | null;
  memory_percent?: number | null;
};
export type ServerListQuery = NonNullable<Params<"/servers", "get">["query"]>;
/** The list's orders: registration time and, on APIs that offer it, name. */
export type ServerSort = NonNullable<ServerListQuery["sort"]> | "name" | "-name";
export type Group = Schemas["Group"];
export type Operation = Schemas["Operation"];
export type OperationCreate = Schemas["OperationCreate"];
export type OperationDryRun = Schemas["OperationDryRun"];
export type OperationTarget = Schemas["OperationTarget"];
export type OperationType = OperationCreate["operation_type"];
export type FilterCriteria = NonNullable<OperationCreate["filter_criteria"]>;
export type HealthCheck = NonNullable<Schemas["HealthCheck"]>;
/** A metrics point (the API documents points loosely: a record of figures); rollups add *_max. */
export type MetricsPoint = {
  timestamp: string;
  period?: string;
  cpu_percent?: number | null;
  memory_percent?: number | null;
  disk_percent?: number | null;
  network_rx_bytes?: number | null;
  network_tx_bytes?: number | null;
  active_services?: number | null;
  failed_services?: number | null;
  total_services?: number | null;
  llm_requests?: number | null;
  llm_cost_usd?: number | null;
  active_users?: number | null;
  total_users?: number | null;
  [figure: string]: unknown;
};
export type Alert = Answer<"/alerts", "get">["items"][number];
export type ApiKey = Answer<"/api-keys", "get">["items"][number];

/** The summary's figures beyond the counts every API gives (each section absent on an API without it). */
export type FleetSummary = Schemas["FleetSummary"] & {
  status?: "green" | "amber" | "red";
  suggested_action?: string;
  open_alerts?: { total: number; by_rule?: Record<string, number> };
  stale_servers?: { count: number; server_ids: string[] };
  metrics?: {
    as_of?: string;
    servers_reporting?: number;
    avg_cpu_percent?: number | null;
    avg_memory_percent?: number | null;
    avg_disk_percent?: number | null;
    failed_services?: number;
    [figure: string]: unknown;
  };
};

/** The console's session: where the API is, the key, and the key's role. */
export interface Session {
  baseUrl: string;
  key: string;
  role: string;
}

/** What every view's render(root, ctx) gets from the shell. */
export interface ViewContext {
  api: import("./api.js").Api;
  session: Session;
  /** The route's captured segments, decoded. */
  params: string[];
  query: URLSearchParams;
  /** Aborted when the operator leaves the view. */
  signal: AbortSignal;
  navigate(route: string): void;
}
