// dynalite has no TTL: this sweeper deletes items whose `expires_at` has passed, as DynamoDB TTL would.
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { TTL_ATTRIBUTE, type Table } from "@fleetplane/core";

export async function sweepExpired(table: Table, nowSeconds = Math.floor(Date.now() / 1000)): Promise<number> {
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
      }),
    );
    const expired = (page.Items ?? []) as Array<{ pk: string; sk: string }>;
    await table.batchWrite(expired.map((key) => ({ delete: key })));
    removed += expired.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return removed;
}
