// SST v2 app: Fleetplane's AWS deployment, one stack per capability (docs/infrastructure.md).
import type { SSTConfig } from "sst";
import { Api } from "./stacks/Api.js";
import { Console } from "./stacks/Console.js";
import { Events } from "./stacks/Events.js";
import { Monitoring } from "./stacks/Monitoring.js";
import { Operations } from "./stacks/Operations.js";
import { Probes } from "./stacks/Probes.js";
import { applyAppDefaults, eventSharingFromEnv } from "./stacks/settings.js";
import { addOwnedResourceSuppressions } from "./stacks/nag-suppressions.js";
import { Storage } from "./stacks/Storage.js";
import { Webhooks } from "./stacks/Webhooks.js";
import { Notifications } from "./stacks/Notifications.js";

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
    app.stack(Webhooks);
    // Optional: only when an address for notifications is configured.
    if (eventSharingFromEnv().notificationEmail) app.stack(Notifications);
    app.stack(Operations); // before Api, which starts its state machine
    app.stack(Probes); // before Api, which queues POST /health-check/all batches
    app.stack(Console);
    app.stack(Api);
    app.stack(Monitoring); // last: it watches every other stack
  },
} satisfies SSTConfig;
