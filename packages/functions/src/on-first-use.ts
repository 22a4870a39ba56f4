// Adapters a function needs only for some invocations, loaded on their first use instead of at every cold start.
// In a bundled handler a dynamic `import()` of a module nothing else imports statically defers running that module
// (an AWS SDK client's service model, its error classes) until the import runs.

/** Loads once, on the first call; a failed load is forgotten, so the next call tries again. */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
