// The entity each detail-type is about, and where its id and sequence sit in `data`: what a consumer orders and
// de-duplicates one entity's events by (docs/events.md, "Ordering and de-duplication").
import type { DetailType } from "./fleet-event.js";

export type EventEntity = "server" | "alert" | "operation" | "webhook";

export interface EventSubject {
  entity: EventEntity;
  id: string;
  sequence: number;
}

type Data = Record<string, any>;

const SUBJECTS: Record<DetailType | "Webhook Test", { entity: EventEntity; id: (data: Data) => unknown }> = {
  "Server Registered": { entity: "server", id: (d) => d.server?.id },
  "Server Updated": { entity: "server", id: (d) => d.server?.id },
  "Server Decommissioned": { entity: "server", id: (d) => d.server?.id },
  "Server Deleted": { entity: "server", id: (d) => d.server?.id },
  "Server Health Changed": { entity: "server", id: (d) => d.server_id },
  "Fleet Alert Raised": { entity: "alert", id: (d) => d.alert?.id },
  "Fleet Alert Resolved": { entity: "alert", id: (d) => d.alert?.id },
  "Bulk Operation Started": { entity: "operation", id: (d) => d.operation_id },
  "Server Operation Finished": { entity: "operation", id: (d) => d.operation_id },
  "Bulk Operation Finished": { entity: "operation", id: (d) => d.operation_id },
  "Webhook Test": { entity: "webhook", id: (d) => d.webhook_id },
};

/** The subject of an event, or undefined when its detail-type is unknown or its data lacks the id or a positive integer sequence. */
export function eventSubject(detailType: string, data: Data): EventSubject | undefined {
  const subject = SUBJECTS[detailType as DetailType];
  if (!subject) return undefined;
  const id = subject.id(data);
  const sequence = data.sequence;
  if (typeof id !== "string" || id === "" || !Number.isSafeInteger(sequence) || sequence < 1) return undefined;
  return { entity: subject.entity, id, sequence };
}
