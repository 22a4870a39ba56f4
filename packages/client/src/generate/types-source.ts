// Turns the API's OpenAPI document into the checked-in TypeScript types (openapi-typescript, then prettier).
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import { format } from "prettier";

const HEADER = "// Generated from the Fleetplane OpenAPI document by `npm run client:generate`; do not edit by hand.\n";

export async function typesSource(document: unknown): Promise<string> {
  // The document names the origin it was served from; the types must not depend on it.
  const portable = { ...(document as OpenAPI3), servers: [] };
  const source = HEADER + astToString(await openapiTS(portable as OpenAPI3, { alphabetize: true }));
  return format(source, { parser: "typescript", printWidth: 140 });
}
