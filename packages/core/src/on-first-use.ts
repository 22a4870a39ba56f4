// Work done once, when first needed, and not remembered if it fails: the adapters and routers a Lambda function
// imports on first use (a dynamic `import()` in a split bundle reads and runs its chunk only then), the API's
// platform-key bootstrap, the local console's bundle.

/** Loads once, on the first call; a failed load is forgotten, so the next call tries again. */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
