// cdk-nag's AwsSolutions rules over every stack of a production-stage synthesis, the optional ones included (the
// Notifications stack, the bus policy and forwarding rules): no finding left unsuppressed, every suppression with
// its reason, and the few wildcards IAM cannot avoid pinned down.
import { beforeAll, describe, expect, it } from "vitest";
import { AwsSolutionsChecks } from "cdk-nag";
import { Probes } from "../../stacks/Probes.js";
import { NagFindings } from "./nag-findings.js";
import { synthesize, type Synthesized } from "./synth.js";

type Json = Record<string, any>;
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

// Every optional setting on, so the stacks and resources they add are checked too.
Object.assign(process.env, {
  FLEETPLANE_NOTIFICATION_EMAIL: "ops@example.com",
  FLEETPLANE_EVENT_SUBSCRIBER_ACCOUNTS: "111111111111",
  FLEETPLANE_EVENT_SUBSCRIBER_ORGANIZATION: "o-abcdef1234",
  FLEETPLANE_EVENT_FORWARD_BUS_ARNS: "arn:aws:events:us-east-1:222222222222:event-bus/security-fleet",
});

const findings = new NagFindings();
let app: Synthesized;
beforeAll(async () => {
  app = await synthesize({ stage: "prod", aspects: [new AwsSolutionsChecks({ additionalLoggers: [findings] })] });
  // Rule packs run while the app is synthesized: reading any template synthesizes all stacks once.
  for (const stack of app.stacks()) app.template(stack);
}, 600_000);

describe("cdk-nag AwsSolutions checks (stage prod)", () => {
  it("ran over every stack", () => {
    const checked = new Set(
      [...findings.suppressed, ...findings.unsuppressed].map((f) => app.shortName(app.stacks().find((s) => s.node.id === f.stack)!)),
    );
    expect([...checked].sort()).toEqual(["Api", "Console", "Events", "Monitoring", "Notifications", "Operations", "Probes", "Storage", "Webhooks"]);
  });

  it("reports no unsuppressed finding on any stack", () => {
    expect(findings.unsuppressed.map((f) => `${f.stack} ${f.path} ${f.finding}`)).toEqual([]);
  });

  it("gives every suppression a reason of its own", () => {
    for (const f of findings.suppressed) expect(f.reason, `${f.stack} ${f.path} ${f.finding}`).toMatch(/\w{3,}.{20,}/);
  });

  it("allows Resource * only for X-Ray, log delivery, CDK's log retention and stream listing, which take no resource", () => {
    const unscopable =
      /^(xray:|logs:(PutRetentionPolicy|DeleteRetentionPolicy|CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$|dynamodb:ListStreams$)/;
    for (const stack of app.stacks()) {
      for (const policy of Object.values(app.template(stack).findResources("AWS::IAM::Policy")) as Json[]) {
        for (const statement of policy.Properties.PolicyDocument.Statement as Json[]) {
          if (!asArray(statement.Resource).includes("*")) continue;
          for (const action of asArray(statement.Action) as string[])
            expect({ stack: stack.node.id, action }).toEqual({ stack: stack.node.id, action: expect.stringMatching(unscopable) });
        }
      }
    }
  });

  it("keeps every function's concurrency unreserved in production too", () => {
    for (const stack of app.stacks()) {
      for (const fn of Object.values(app.template(stack).findResources("AWS::Lambda::Function")) as Json[]) {
        expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
      }
    }
    expect(app.template(Probes).toJSON().Resources).toBeDefined();
  });
});
