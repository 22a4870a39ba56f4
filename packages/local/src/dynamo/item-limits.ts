// DynamoDB's limits on a document that dynalite does not enforce (or enforces by overflowing its stack).
type Wire = Record<string, unknown>;

/** DynamoDB refuses maps and lists nested deeper than this. */
export const MAX_NESTING = 32;

/**
 * Why DynamoDB would refuse the attribute values of one write request (its item, key and expression
 * values), or undefined. Walked without recursion, so any depth is measured without exhausting the stack.
 */
export function documentProblem(request: Wire): string | undefined {
  const roots = [request.Item, request.Key, request.ExpressionAttributeValues].filter(
    (v): v is Wire => typeof v === "object" && v !== null,
  );
  const stack: Array<{ value: unknown; depth: number }> = roots.flatMap((root) =>
    Object.values(root).map((value) => ({ value, depth: 0 })),
  );
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    const { M, L } = value as { M?: unknown; L?: unknown };
    const children = M && typeof M === "object" ? Object.values(M) : Array.isArray(L) ? L : undefined;
    if (!children) continue;
    if (depth + 1 > MAX_NESTING) return `Nesting Levels have exceeded supported limits (at most ${MAX_NESTING})`;
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}
