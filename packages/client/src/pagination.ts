// Async iterators over the API's cursor pages ({"items": [...], "next_cursor": s|null}).

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Every page, following next_cursor until it is null; `fetchPage` gets the cursor (undefined for the first page). */
export async function* pages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<Page<T>> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield page;
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
}

/** Every item of every page, one at a time. */
export async function* items<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  for await (const page of pages(fetchPage)) yield* page.items;
}

/** All items in one array; for lists a caller knows to be small. */
export async function allItems<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items(fetchPage)) all.push(item);
  return all;
}
