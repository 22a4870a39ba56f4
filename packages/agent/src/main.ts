// Command-line entry of the agent: `fleetplane-agent --config /etc/fleetplane/agent.yml`.
import { ConfigInvalid } from "./config/agent-config.js";
import { loadAgentConfig } from "./config/load-config.js";
import { startAgent } from "./agent-server.js";

try {
  const config = loadAgentConfig({ argv: process.argv.slice(2), env: process.env });
  const agent = await startAgent(config);
  const allowed = Object.keys(config.operations).join(", ") || "none";
  console.log(`fleetplane-agent ${config.version} listening on ${agent.url} (operations allowed: ${allowed})`);
  const stop = (): void => {
    void agent.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
} catch (error) {
  if (error instanceof ConfigInvalid) {
    console.error(`fleetplane-agent: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
