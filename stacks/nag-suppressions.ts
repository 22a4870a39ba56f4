// cdk-nag (AwsSolutions) suppressions shared by every stack: resources SST and CDK create for us, whose
// shape we do not choose. Each names the rule and why; a stack's own suppressions sit beside its resources.
import { AspectPriority, Aspects, CfnResource, type IAspect } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import { NagSuppressions, type NagPackSuppression } from "cdk-nag";
import { Function, type App } from "sst/constructs";
import type { Stack } from "aws-cdk-lib";

/** The managed policy SST's Function attaches to its role: CloudWatch Logs writes, nothing else. */
const BASIC_EXECUTION_ROLE = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

const SST_STACK_HANDLER: NagPackSuppression[] = [
  { id: "AwsSolutions-IAM4", reason: "SST's stack-metadata custom resource handler: its role and policy are SST's" },
  { id: "AwsSolutions-L1", reason: "SST's stack-metadata custom resource handler: SST 2 chooses its runtime" },
];

const LOG_RETENTION_HANDLER: NagPackSuppression[] = [
  { id: "AwsSolutions-IAM4", reason: "CDK's log-retention handler (SST's logRetention): its role is CDK's" },
  { id: "AwsSolutions-IAM5", reason: "CDK's log-retention handler sets retention on log groups created by Lambda, named at runtime" },
];

const FUNCTION_ROLE: NagPackSuppression[] = [
  {
    id: "AwsSolutions-IAM4",
    reason: "SST's Function attaches AWSLambdaBasicExecutionRole: writing the function's own CloudWatch logs",
    appliesTo: [BASIC_EXECUTION_ROLE],
  },
];

const FUNCTION_POLICY: NagPackSuppression[] = [
  {
    id: "AwsSolutions-IAM5",
    // test/stacks asserts every statement on Resource "*" holds only these actions.
    reason: "X-Ray PutTraceSegments/PutTelemetryRecords (SST's active tracing) and DynamoDB ListStreams take no resource",
    appliesTo: ["Resource::*"],
  },
];

const SITE_UPLOADER_POLICY: NagPackSuppression[] = [
  {
    id: "AwsSolutions-IAM5",
    reason: "SST's deploy-time uploader copies a site's files from the CDK asset bucket into the site bucket (object ARNs /*)",
    appliesTo: [{ regex: "/^Resource::.*\\/\\*$/g" }],
  },
];

/** Adds the suppressions above while the app is synthesized, before any rule pack looks at a resource. */
class OwnedResourceSuppressions implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof Function) {
      if (node.role) NagSuppressions.addResourceSuppressions(node.role, FUNCTION_ROLE);
      const policy = node.role?.node.tryFindChild("DefaultPolicy");
      if (policy) NagSuppressions.addResourceSuppressions(policy, FUNCTION_POLICY, true);
      return;
    }
    if (!(node instanceof CfnResource)) return;
    // SST's StaticSite adds this policy when it is bound at the end of synthesis.
    if (node.node.scope?.node.id === "S3UploaderPolicy") NagSuppressions.addResourceSuppressions(node, SITE_UPLOADER_POLICY);
    const owner = node.node.scopes.find((scope) => scope.node.id === "CustomResourceHandler" || scope.node.id.startsWith("LogRetention"));
    if (!owner) return;
    NagSuppressions.addResourceSuppressions(node, owner.node.id === "CustomResourceHandler" ? SST_STACK_HANDLER : LOG_RETENTION_HANDLER);
  }
}

/** Registered by sst.config.ts on the whole app; harmless when no rule pack runs (deploys). */
export function addOwnedResourceSuppressions(app: App): void {
  Aspects.of(app).add(new OwnedResourceSuppressions(), { priority: AspectPriority.MUTATING });
}

/**
 * The role aws-scheduler-targets creates for a schedule's Lambda target (named per target) may invoke the
 * function and its versions (`ARN:*`): the one wildcard, confined to the function whose logical id starts with
 * `functionId`.
 */
export function suppressScheduleTargetRole(stack: Stack, functionId: string, what: string): void {
  const role = stack.node.children.find((child) => child.node.id.startsWith("SchedulerRoleForTarget"));
  if (!role) return;
  NagSuppressions.addResourceSuppressions(
    role,
    [
      {
        id: "AwsSolutions-IAM5",
        reason: `aws-scheduler-targets grants lambda:InvokeFunction on ${what} and its versions (ARN:*), nothing else`,
        appliesTo: [{ regex: `/^Resource::<${functionId}[A-Za-z0-9]+\\.Arn>:\\*$/g` }],
      },
    ],
    true,
  );
}
