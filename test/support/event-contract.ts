// Contract check for every test that runs a local Fleetplane: each event the local bus publishes must validate
// against its JSON Schema in docs/events/ (ajv), so the code and the published schemas cannot drift apart.
import { readFileSync } from "node:fs";
import { afterAll, expect } from "vitest";
import { Ajv, type ValidateFunction } from "ajv";
import type { FleetEvent } from "../../packages/core/src/events/fleet-event.js";
import { schemaFileName } from "../../packages/core/src/events/schema-documents.js";

const SCHEMAS = new URL("../../docs/events/", import.meta.url);
const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();
const violations: string[] = [];
let checked = 0;

function validatorFor(detailType: string): ValidateFunction | undefined {
  if (!validators.has(detailType)) {
    try {
      validators.set(detailType, ajv.compile(JSON.parse(readFileSync(new URL(schemaFileName(detailType as never), SCHEMAS), "utf8"))));
    } catch {
      return undefined;
    }
  }
  return validators.get(detailType);
}

// Only cross-package tests run a local Fleetplane; unit tests beside the code skip the import.
if ((expect.getState().testPath ?? "").includes("/test/")) {
  const { LocalEventBus } = await import("../../packages/local/src/bus/local-bus.js");
  const { wireEvent } = await import("../../packages/core/src/events/fleet-event.js");
  const publish = LocalEventBus.prototype.publish;
  LocalEventBus.prototype.publish = async function (this: InstanceType<typeof LocalEventBus>, events: FleetEvent[]) {
    for (const event of events) {
      checked += 1;
      const validate = validatorFor(event.detail_type);
      if (!validate) violations.push(`${event.detail_type}: no schema in docs/events/`);
      else if (!validate(wireEvent(event))) violations.push(`${event.detail_type}: ${ajv.errorsText(validate.errors)}`);
    }
    return publish.call(this, events);
  };

  afterAll(() => {
    expect(violations, `of ${checked} events published, these do not match docs/events/`).toEqual([]);
  });
}
