// Lambda entry point for API Gateway (HTTP API): the Hono app, with the bootstrap key ensured on cold start.
import { handle } from "hono/aws-lambda";
import { createApi, ensureBootstrapKey } from "@fleetplane/core";
import { awsContext } from "./aws-context.js";

const ctx = awsContext();
const app = createApi(ctx);
const bootstrapped = ensureBootstrapKey(ctx, process.env.FLEETPLANE_ADMIN_API_KEY || undefined);

const honoHandler = handle(app);

export const handler: typeof honoHandler = async (event, context) => {
  await bootstrapped;
  return honoHandler(event, context);
};
