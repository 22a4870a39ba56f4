#!/usr/bin/env node
// Launches the agent's TypeScript entry through tsx, so the package needs no build step.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
