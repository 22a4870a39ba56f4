// Lambda entry point for API Gateway (HTTP API): the Hono app, with the bootstrap key ensured on cold start.
import { handle } from "hono/aws-lambda";
import { Config } from "sst/node/config";
import { createApi, ensureBootstrapKey } from "@fleetplane/core";
import { awsContext } from "./aws-context.js";

const ctx = awsContext();
const app = createApi(ctx);
// The platform key is an SST secret (SSM), fetched at cold start; it is never generated in AWS.
const bootstrapped = ensureBootstrapKey(ctx, Config.FLEETPLANE_ADMIN_API_KEY);

const honoHandler = handle(app);

export const handler: typeof honoHandler = async (event, context) => {
  await bootstrapped;
  return honoHandler(event, context);
};
