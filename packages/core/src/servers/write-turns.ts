// Writers of one server in this process take turns. Across processes a server's revision check decides (optimistic
// retry); within one, 50 concurrent PATCHes would otherwise spend most transactions losing the same race.
const tails = new Map<string, Promise<unknown>>();

export async function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const current = previous.then(work, work);
  const tail = current.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await current;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
