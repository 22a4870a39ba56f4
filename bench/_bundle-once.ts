import { bundleHandlers } from "../test/support/handler-bundles.js";
void (async () => { const b = await bundleHandlers(process.argv[2]!); for (const x of b) if (x.name === "api") console.log(x.name, x.bytes); })();
