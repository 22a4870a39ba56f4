// Contract check for every test that runs a local Fleetplane: each event the local bus publishes (and each body a
// test webhook receiver gets) must validate against its JSON Schema in docs/events/ (ajv), so the code and the
// published schemas cannot drift apart; must name its entity and carry a positive sequence (event-subjects.ts);
// and no two different events may claim the same entity and sequence, so de-duplicating by them loses nothing.
import { readFileSync } from "node:fs";
import { afterAll, expect } from "vitest";
import { Ajv, type ValidateFunction } from "ajv";
import type { FleetEvent, WireEvent } from "../../packages/core/src/events/fleet-event.js";
import { eventSubject } from "../../packages/core/src/events/event-subjects.js";
import { schemaFileName } from "../../packages/core/src/events/schema-documents.js";

const SCHEMAS = new URL("../../docs/events/", import.meta.url);
const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();
const violations: string[] = [];
/** `<entity> <id> #<sequence>` → the event id that claimed it. */
const claimed = new Map<string, string>();
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

/** Checks one event as the feed and webhooks shape it; a violation fails the test file at its end. */
export function checkEvent(event: WireEvent): void {
  checked += 1;
  const detailType = event["detail-type"];
  const validate = validatorFor(detailType);
  if (!validate) violations.push(`${detailType}: no schema in docs/events/`);
  else if (!validate(event)) violations.push(`${detailType}: ${ajv.errorsText(validate.errors)}`);
  const subject = eventSubject(detailType, event.detail.data);
  if (!subject) {
    violations.push(`${detailType}: no entity id and positive sequence in ${JSON.stringify(event.detail.data).slice(0, 200)}`);
    return;
  }
  const key = `${subject.entity} ${subject.id} #${subject.sequence}`;
  const owner = claimed.get(key);
  if (owner === undefined) claimed.set(key, event.detail.event_id);
  else if (owner !== event.detail.event_id)
    violations.push(`${detailType}: events ${owner} and ${event.detail.event_id} both claim ${key}`);
}

// Only cross-package tests run a local Fleetplane; unit tests beside the code skip the import.
if ((expect.getState().testPath ?? "").includes("/test/")) {
  const { LocalEventBus } = await import("../../packages/local/src/bus/local-bus.js");
  const { wireEvent } = await import("../../packages/core/src/events/fleet-event.js");
  const publish = LocalEventBus.prototype.publish;
  LocalEventBus.prototype.publish = async function (this: InstanceType<typeof LocalEventBus>, events: FleetEvent[]) {
    for (const event of events) checkEvent(wireEvent(event));
    return publish.call(this, events);
  };

  afterAll(() => {
    expect(violations, `of ${checked} events published, these do not match docs/events/ or share an entity's sequence`).toEqual([]);
  });
}
