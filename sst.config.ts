// SST v2 app: Fleetplane's AWS deployment, one stack per capability (docs/infrastructure.md).
import type { SSTConfig } from "sst";
import { Api } from "./stacks/Api.js";
import { Console } from "./stacks/Console.js";
import { Events } from "./stacks/Events.js";
import { Operations } from "./stacks/Operations.js";
import { Probes } from "./stacks/Probes.js";
import { addOwnedResourceSuppressions } from "./stacks/nag-suppressions.js";
import { applyAppDefaults } from "./stacks/settings.js";
import { Storage } from "./stacks/Storage.js";

export default {
  config(input) {
    return {
      name: "fleetplane",
      region: input.region ?? process.env.AWS_REGION ?? "us-east-1",
    };
  },
  stacks(app) {
    applyAppDefaults(app);
    addOwnedResourceSuppressions(app);
    // Order matters: a stack can only `use()` stacks registered above it.
    app.stack(Storage);
    app.stack(Events);
    app.stack(Operations); // before Api, which starts its state machine
    app.stack(Probes); // before Api, which queues POST /health-check/all batches
    app.stack(Console);
    app.stack(Api);
  },
} satisfies SSTConfig;
