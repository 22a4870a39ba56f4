// Offline synthesis of the SST app (infrastructure tests, `npm run synth`): no AWS credentials, no network calls.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Template } from "aws-cdk-lib/assertions";
import { Aspects, type IAspect, type Stack } from "aws-cdk-lib";
import { App } from "sst/constructs";
import type { FunctionalStack } from "sst/constructs/FunctionalStack.js";
import { initProject, useProject } from "sst/project.js";
import sstConfig from "../sst.config.js";
import { applyAppDefaults } from "./settings.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

// Any stack function; `unknown` would reject stacks whose return types differ.
type StackFunction = FunctionalStack<any>;

export interface SynthesisOptions {
  /** Stacks to add, in dependency order. Default: the whole app exactly as sst.config.ts registers it. */
  stacks?: StackFunction[];
  /** Stage name; production stages ("prod") change removal policies. Default "test". */
  stage?: string;
  /** Aspects run over the whole app when it is synthesized (the tests add cdk-nag's rule packs). */
  aspects?: IAspect[];
}

export interface Synthesized {
  readonly app: App;
  /** The CloudFormation template of one stack (by its function, or one of `stacks()`), for `aws-cdk-lib/assertions`. */
  template(stack: StackFunction | Stack): Template;
  /** Every synthesized stack, for assertions that must hold app-wide. */
  stacks(): Stack[];
  /** A stack's short name, as its function is called ("Storage" for "prod-fleetplane-Storage"). */
  shortName(stack: Stack): string;
}

let initialized: Promise<void> | undefined;
let buildOutput: string | undefined;

/** Deletes this process's build output (bundled handlers, site archives); call once when done synthesizing. */
export function removeBuildOutput(): void {
  if (buildOutput) rmSync(buildOutput, { recursive: true, force: true });
}

/**
 * SST's project is loaded once per process: its handler builders keep the first project object and
 * their esbuild contexts (with output paths) they see, so later syntheses adjust that same object.
 */
async function useProjectFor(stage: string): Promise<void> {
  initialized ??= (async () => {
    await initProject({ stage, root: ROOT });
    // Build output (bundled handlers, site archives) per process rather than in .sst/, so test
    // files synthesizing in parallel never overwrite each other's bundles.
    buildOutput = mkdtempSync(path.join(tmpdir(), "fleetplane-synth-"));
    const { paths } = useProject();
    paths.out = buildOutput;
    paths.artifacts = path.join(buildOutput, "artifacts");
  })();
  await initialized;
  const project = useProject();
  project.config.stage = stage;
  project.config.ssmPrefix = `/sst/${project.config.name}/${stage}/`;
  process.env.SST_STAGE = stage;
}

/**
 * Builds the app as `sst deploy` would (deploy mode: handlers really bundled by esbuild, the console
 * really archived) but with a fake account, so CloudFormation templates can be asserted offline.
 */
export async function synthesize(options: SynthesisOptions = {}): Promise<Synthesized> {
  const stage = options.stage ?? "test";
  // SST resolves handler and site paths against the working directory, as the CLI does from the root.
  process.chdir(ROOT);
  // SST skips its bootstrap-stack lookup (an AWS call) only when it knows it runs under a test.
  process.env.NODE_ENV = "test";

  await useProjectFor(stage);
  const { name } = useProject().config;
  const cdkApp = new App({ mode: "deploy", account: "000000000000", region: "us-east-1", stage, name });
  for (const aspect of options.aspects ?? []) Aspects.of(cdkApp).add(aspect);
  if (options.stacks) {
    applyAppDefaults(cdkApp);
    for (const stack of options.stacks) await cdkApp.stack(stack);
  } else {
    await sstConfig.stacks(cdkApp);
  }
  await cdkApp.finish();

  const templates = new Map<Stack, Template>();
  const findStack = (fn: StackFunction): Stack => {
    // SST names a functional stack after its function, prefixed with stage and app ("test-fleetplane-Api").
    const found = cdkApp.node.tryFindChild(cdkApp.logicalPrefixedName(fn.name));
    if (!found) throw new Error(`stack ${fn.name} was not synthesized (have: ${cdkApp.node.children.map((c) => c.node.id).join(", ")})`);
    return found as Stack;
  };

  return {
    app: cdkApp,
    template(which) {
      const stack = typeof which === "function" ? findStack(which) : which;
      let template = templates.get(stack);
      if (!template) {
        template = Template.fromStack(stack);
        templates.set(stack, template);
      }
      return template;
    },
    stacks: () => cdkApp.node.children.filter((child): child is Stack => "stackName" in child),
    shortName: (stack) => stack.node.id.slice(cdkApp.logicalPrefixedName("").length),
  };
}
