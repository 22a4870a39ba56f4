// Offline synthesis for infrastructure tests: stacks/offline-synthesis.ts, with each test file's build output removed after it.
import { afterAll } from "vitest";
import { removeBuildOutput } from "../../stacks/offline-synthesis.js";

export { synthesize, type Synthesized, type SynthesisOptions } from "../../stacks/offline-synthesis.js";

// Registered when a test file imports this module, so the file's build output goes with it.
afterAll(() => removeBuildOutput());
