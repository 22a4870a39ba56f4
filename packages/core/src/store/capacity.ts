// Counts the DynamoDB capacity units Fleetplane consumes, from the ConsumedCapacity of each response.
import type { ConsumedCapacity } from "@aws-sdk/client-dynamodb";

export interface CapacityTotals {
  readUnits: number;
  writeUnits: number;
  requests: number;
}

export class CapacityMeter {
  private totals: CapacityTotals = { readUnits: 0, writeUnits: 0, requests: 0 };
  private readonly byOperation = new Map<string, CapacityTotals>();

  record(operation: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
    let read = 0;
    let write = 0;
    for (const c of list) {
      read += c.ReadCapacityUnits ?? 0;
      write += c.WriteCapacityUnits ?? 0;
      // Tables in on-demand mode report only CapacityUnits; attribute it by operation kind.
      if (c.ReadCapacityUnits === undefined && c.WriteCapacityUnits === undefined && c.CapacityUnits) {
        if (isRead(operation)) read += c.CapacityUnits;
        else write += c.CapacityUnits;
      }
    }
    for (const t of [this.totals, this.entry(operation)]) {
      t.readUnits += read;
      t.writeUnits += write;
      t.requests += 1;
    }
  }

  snapshot(): CapacityTotals & { byOperation: Record<string, CapacityTotals> } {
    return { ...this.totals, byOperation: Object.fromEntries([...this.byOperation].map(([k, v]) => [k, { ...v }])) };
  }

  reset(): void {
    this.totals = { readUnits: 0, writeUnits: 0, requests: 0 };
    this.byOperation.clear();
  }

  private entry(operation: string): CapacityTotals {
    let e = this.byOperation.get(operation);
    if (!e) this.byOperation.set(operation, (e = { readUnits: 0, writeUnits: 0, requests: 0 }));
    return e;
  }
}

function isRead(operation: string): boolean {
  return (
    operation === "GetItem" ||
    operation === "Query" ||
    operation === "Scan" ||
    operation === "BatchGetItem" ||
    operation === "TransactGetItems"
  );
}
