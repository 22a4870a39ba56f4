// PLACEHOLDER so the stacks synthesize (SST bundles each handler at synth time); replace with the outbox publisher.
export const handler = async () => {
  throw new Error("outbox publisher not implemented");
};
