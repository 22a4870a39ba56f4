// Console stack: the static web console (web/, no build step) on S3 behind CloudFront.
import { StaticSite, type StackContext } from "sst/constructs";

export function Console({ stack }: StackContext) {
  // web/ is served as is. The console does not learn the API URL at deploy time: the Api stack is
  // deployed after this one (it allows this site's origin in CORS), so the URL comes from the Api
  // stack's ApiUrl output and is entered in the console (see docs/infrastructure.md).
  const site = new StaticSite(stack, "Console", {
    path: "web",
    indexPage: "index.html",
    // A single-page console: unknown paths get index.html and the page routes itself.
    errorPage: "redirect_to_index_page",
  });

  stack.addOutputs({ ConsoleUrl: site.url ?? "" });

  /** Browser origins the API must accept (none under `sst dev`, where SST does not deploy sites). */
  const origins = site.url ? [site.url] : [];
  return { site, origins };
}
