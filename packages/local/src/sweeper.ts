// dynalite has no TTL: this sweeper deletes items whose `expires_at` has passed, as DynamoDB TTL would.
// Each run scans one segment of the table, so the work is spread evenly: a full pass takes
// SWEEP_SEGMENTS runs (16 minutes at the default interval) and no run stalls the API with a whole-table scan.
// Nothing waits for it: reads already ignore expired items.
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { TTL_ATTRIBUTE, type Table } from "@fleetplane/core";

export const SWEEP_SEGMENTS = 16;
/** Items examined per Scan page (about 5 ms of dynalite work), so one run yields to API requests between pages. */
const PAGE_ITEMS = 100;

export interface SweepScope {
  segment: number;
  segments: number;
}

export async function sweepExpired(
  table: Table,
  nowSeconds = Math.floor(Date.now() / 1000),
  scope: SweepScope = { segment: 0, segments: 1 },
): Promise<number> {
  let removed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new ScanCommand({
        TableName: table.name,
        FilterExpression: "#ttl < :now",
        ExpressionAttributeNames: { "#ttl": TTL_ATTRIBUTE, "#pk": "pk", "#sk": "sk" },
        ExpressionAttributeValues: { ":now": nowSeconds },
        ProjectionExpression: "#pk, #sk",
        ExclusiveStartKey: start,
        Limit: PAGE_ITEMS,
        ...(scope.segments > 1 ? { Segment: scope.segment, TotalSegments: scope.segments } : {}),
      }),
    );
    const expired = (page.Items ?? []) as Array<{ pk: string; sk: string }>;
    await table.batchWrite(expired.map((key) => ({ delete: key })));
    removed += expired.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return removed;
}

/** A sweep per call, one segment after another. */
export function rollingSweep(table: Table, now: () => number = Date.now): () => Promise<number> {
  let next = 0;
  return () => {
    const segment = next;
    next = (next + 1) % SWEEP_SEGMENTS;
    return sweepExpired(table, Math.floor(now() / 1000), { segment, segments: SWEEP_SEGMENTS });
  };
}
