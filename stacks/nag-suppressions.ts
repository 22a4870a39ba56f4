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

const BUCKET_DEPLOYMENT_HANDLER: NagPackSuppression[] = [
  {
    id: "AwsSolutions-IAM4",
    reason: "CDK's BucketDeployment handler (the console's files): its role is CDK's, writing its own logs",
    appliesTo: [BASIC_EXECUTION_ROLE],
  },
  {
    id: "AwsSolutions-IAM5",
    reason: "CDK's BucketDeployment handler reads the deploy's asset objects and writes the console bucket's objects (ARN/*), nothing else",
    appliesTo: [{ regex: "/^Action::s3:[A-Za-z]+\\*$/g" }, { regex: "/^Resource::.*\\/\\*$/g" }],
  },
  { id: "AwsSolutions-L1", reason: "CDK's BucketDeployment handler: aws-cdk-lib chooses its Python runtime and the AWS CLI layer" },
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
    if (node.node.scopes.some((scope) => scope.node.id.startsWith("Custom::CDKBucketDeployment"))) {
      NagSuppressions.addResourceSuppressions(node, BUCKET_DEPLOYMENT_HANDLER);
      return;
    }
    if (node.node.scopes.some((scope) => scope.node.id === "CustomResourceHandler"))
      NagSuppressions.addResourceSuppressions(node, SST_STACK_HANDLER);
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
