// PLACEHOLDER so the stacks synthesize (SST bundles each handler at synth time); replace with the Hono entry point.
export const handler = async () => ({ statusCode: 503, body: '{"error":{"code":"not_implemented","message":"API not deployed yet"}}' });
