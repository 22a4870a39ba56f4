// `npm run synth -- --stage STAGE --out DIR`: writes each stack's CloudFormation template as DIR/<Stack>.template.json,
// offline (a placeholder account 000000000000, no AWS credentials, no network), for review before a deploy.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { removeBuildOutput, synthesize } from "./offline-synthesis.js";

const USAGE = "usage: npm run synth -- [--stage STAGE] [--out DIR]   (defaults: --stage dev --out .sst/templates)";

async function main(): Promise<void> {
  let values: { stage?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { stage: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const stage = values.stage ?? "dev";
  if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(stage)) {
    console.error(`--stage must start with a letter and hold only letters, digits and '-' (got "${stage}")\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  // Resolved before synthesis, which works from the repository root.
  const out = path.resolve(values.out ?? ".sst/templates");

  try {
    const app = await synthesize({ stage });
    mkdirSync(out, { recursive: true });
    for (const stack of app.stacks()) {
      const file = path.join(out, `${app.shortName(stack)}.template.json`);
      writeFileSync(file, `${JSON.stringify(app.template(stack).toJSON(), null, 2)}\n`);
      console.log(`${stack.stackName} → ${file}`);
    }
  } finally {
    removeBuildOutput();
  }
}

await main();
