// Infrastructure test of fleet events as a product: the bus policy for subscriber accounts and an AWS
// organization, forwarding rules, webhook delivery (rule → queue → function, DLQ, retry schedule) and notifications.
import { beforeAll, describe, expect, it } from "vitest";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { Events } from "../../stacks/Events.js";
import { Notifications } from "../../stacks/Notifications.js";
import { Storage } from "../../stacks/Storage.js";
import { Webhooks } from "../../stacks/Webhooks.js";
import { synthesize } from "./synth.js";
import { DETAIL_TYPES } from "../../packages/core/src/events/fleet-event.js";
import { eventSchemaDocuments, schemaFileName } from "../../packages/core/src/events/schema-documents.js";

const FORWARD = "arn:aws:events:us-east-1:222222222222:event-bus/security-fleet";
Object.assign(process.env, {
  FLEETPLANE_EVENT_SUBSCRIBER_ACCOUNTS: "111111111111, 333333333333",
  FLEETPLANE_EVENT_SUBSCRIBER_ORGANIZATION: "o-abcdef1234",
  FLEETPLANE_EVENT_FORWARD_BUS_ARNS: FORWARD,
  FLEETPLANE_NOTIFICATION_EMAIL: "ops@example.com",
});

let events: Template;
let webhooks: Template;
let notifications: Template;
beforeAll(async () => {
  const app = await synthesize({ stacks: [Storage, Events, Webhooks, Notifications] });
  events = app.template(Events);
  webhooks = app.template(Webhooks);
  notifications = app.template(Notifications);
}, 300_000);

describe("schema registry", () => {
  it("registers one draft-4 JSON Schema per detail-type, generated from the code, in fleetplane-<stage>", () => {
    events.hasResourceProperties("AWS::EventSchemas::Registry", { RegistryName: "fleetplane-test" });
    const schemas = Object.values(events.findResources("AWS::EventSchemas::Schema"));
    expect(schemas.map((s) => s.Properties.SchemaName).sort()).toEqual(
      DETAIL_TYPES.map((t) => `fleetplane@${t.replace(/\s+/g, "")}`).sort(),
    );
    const documents = eventSchemaDocuments("draft-4");
    for (const schema of schemas) {
      expect(schema.Properties.Type).toBe("JSONSchemaDraft4");
      const content = JSON.parse(schema.Properties.Content);
      expect(content).toEqual(documents[schemaFileName(content.title)]);
      expect(content.$schema).toBe("http://json-schema.org/draft-04/schema#");
    }
  });
});

describe("subscribers in other accounts", () => {
  it("lets the listed accounts and the organization's accounts manage only rules they created on the bus", () => {
    const policies = Object.values(events.findResources("AWS::Events::EventBusPolicy"));
    const statements = policies.map((p) => p.Properties.Statement ?? p.Properties.Policy?.Statement).flat(2);
    const accounts = statements.find((s: any) => s.Sid.endsWith("SubscriberAccountsManageOwnRules"));
    expect(JSON.stringify(accounts.Principal)).toContain("111111111111");
    expect(JSON.stringify(accounts.Principal)).toContain("333333333333");
    expect(accounts.Action).toContain("events:PutRule");
    expect(accounts.Action).not.toContain("events:PutEvents");
    expect(JSON.stringify(accounts.Resource)).toContain(":rule/");
    expect(accounts.Condition).toEqual({ StringEqualsIfExists: { "events:creatorAccount": "${aws:PrincipalAccount}" } });
    const organization = statements.find((s: any) => s.Sid.endsWith("SubscriberOrganizationManagesOwnRules"));
    expect(organization.Condition).toEqual({
      StringEqualsIfExists: { "events:creatorAccount": "${aws:PrincipalAccount}" },
      StringEquals: { "aws:PrincipalOrgID": "o-abcdef1234" },
    });
  });

  it("forwards every fleet event to the named bus in another account", () => {
    events.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: { source: ["fleetplane"] },
      Targets: [Match.objectLike({ Arn: FORWARD })],
    });
  });
});

describe("webhook delivery", () => {
  it("routes fleet events into a queue with a dead-letter queue, read by the delivery function", () => {
    webhooks.hasResourceProperties("AWS::Events::Rule", { EventPattern: { source: ["fleetplane"] } });
    webhooks.hasResourceProperties("AWS::SQS::Queue", { RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }) });
    webhooks.hasResourceProperties("AWS::Lambda::EventSourceMapping", { FunctionResponseTypes: ["ReportBatchItemFailures"] });
    webhooks.hasResourceProperties("AWS::Scheduler::Schedule", { ScheduleExpression: "rate(1 minute)" });
  });

  it("gives the delivery function the table's items and decryption with the token key, nothing broader", () => {
    const statements = Object.values(webhooks.findResources("AWS::IAM::Policy")).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((s: any) => [s.Action].flat());
    expect(actions).toContain("kms:Decrypt");
    expect(actions).not.toContain("kms:GenerateDataKey");
    expect(actions.some((a: string) => a === "*" || a.endsWith(":*"))).toBe(false);
  });
});

describe("notifications", () => {
  it("sends alerts and finished bulk operations to an SNS topic as readable messages, mailed to the configured address", () => {
    notifications.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@example.com" });
    const rules = Object.values(notifications.findResources("AWS::Events::Rule"));
    const patterns = rules.map((r) => r.Properties.EventPattern["detail-type"]);
    expect(patterns).toEqual(expect.arrayContaining([["Fleet Alert Raised", "Fleet Alert Resolved"], ["Bulk Operation Finished"]]));
    for (const rule of rules) {
      const transformer = rule.Properties.Targets[0].InputTransformer;
      expect(transformer.InputPathsMap["detail-type"] ?? transformer.InputPathsMap["detail-organization_id"]).toBeDefined();
      expect(transformer.InputTemplate).toMatch(/^"/);
    }
    const alert = rules.find((r) => r.Properties.EventPattern["detail-type"].includes("Fleet Alert Raised"))!;
    expect(alert.Properties.Targets[0].InputTransformer.InputTemplate).toContain("on server <");
  });
});
