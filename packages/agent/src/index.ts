// Public surface of @fleetplane/agent: start an agent, load its config, and the wire types.
export { startAgent, type AgentOptions, type RunningAgent } from "./agent-server.js";
export { loadAgentConfig } from "./config/load-config.js";
export { validateAgentConfig, ConfigInvalid, AGENT_VERSION, type AgentConfig } from "./config/agent-config.js";
export { pageSamples, encodeCursor, decodeCursor, type SampleSource } from "./metrics/metrics-cursor.js";
export * from "./protocol.js";
