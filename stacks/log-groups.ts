// Log groups and their retention: one setting for every log group of the app, an explicit log group for every Lambda
// function (Fleetplane's and those CDK and SST add), and names that stay unique when a stage is removed and redeployed.
import { AspectPriority, Aspects, CfnResource, Fn, RemovalPolicy, Stack, type IAspect } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type { IConstruct } from "constructs";
import { Function, type App } from "sst/constructs";

export const LOG_RETENTION_VARIABLE = "FLEETPLANE_LOG_RETENTION_DAYS";
/** Days every log group keeps its events unless FLEETPLANE_LOG_RETENTION_DAYS says otherwise. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

/** The retention periods CloudWatch Logs accepts (RetentionDays without INFINITE: every group expires). */
const ALLOWED_DAYS = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === "number" && v > 0 && v < 9999);

/** The log retention of a deployment, read once from the deploying shell's environment and validated. */
export function logRetentionDays(env: Record<string, string | undefined> = process.env): logs.RetentionDays {
  const raw = env[LOG_RETENTION_VARIABLE]?.trim();
  if (!raw) return DEFAULT_LOG_RETENTION_DAYS as logs.RetentionDays;
  const days = Number(raw);
  if (!ALLOWED_DAYS.includes(days)) {
    throw new Error(`${LOG_RETENTION_VARIABLE} must be one of CloudWatch's retention periods (${ALLOWED_DAYS.join(", ")}); got "${raw}"`);
  }
  return days as logs.RetentionDays;
}

/** The same retention as SST's lowercase name ("one_month"), for SST constructs that take one (the Api's access log). */
export function sstRetention(days: logs.RetentionDays): Lowercase<keyof typeof logs.RetentionDays> {
  const name = Object.entries(logs.RetentionDays).find(([key, value]) => value === days && Number.isNaN(Number(key)))?.[0];
  if (!name) throw new Error(`no RetentionDays name for ${days}`);
  return name.toLowerCase() as Lowercase<keyof typeof logs.RetentionDays>;
}

/**
 * A suffix that differs for every creation of the stack: the last group of the UUID in its AWS::StackId. A name
 * that must be fixed (a vended-logs prefix) but belongs to a retained resource carries it, so a redeploy after
 * `sst remove` creates a new name instead of colliding with the retained one.
 */
export function stackInstanceSuffix(stack: Stack): string {
  return Fn.select(4, Fn.split("-", Fn.select(2, Fn.split("/", stack.stackId))));
}

/**
 * Gives every Lambda function in the app (CfnFunction, and the raw AWS::Lambda::Function of CDK's custom resource
 * providers) a log group of its own with the retention setting, named by CloudFormation, and points the
 * function's LoggingConfig at it. Without it, Lambda creates /aws/lambda/<name> on first use, kept forever.
 */
class FunctionLogGroups implements IAspect {
  constructor(
    private readonly retention: logs.RetentionDays,
    private readonly removalPolicy: RemovalPolicy,
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== "AWS::Lambda::Function") return;
    const owner = node.node.scope;
    if (!owner || owner.node.tryFindChild("Logs")) return;
    if (node instanceof lambda.CfnFunction) {
      const current = (node.loggingConfig ?? {}) as lambda.CfnFunction.LoggingConfigProperty;
      if (current.logGroup) return;
      node.loggingConfig = { ...current, logGroup: this.logGroup(owner).logGroupName };
    } else {
      node.addPropertyOverride("LoggingConfig.LogGroup", this.logGroup(owner).logGroupName);
    }
  }

  private logGroup(owner: IConstruct): logs.LogGroup {
    // Only Fleetplane's own functions keep their logs past `sst remove`; CDK's and SST's deploy-time handlers never do.
    const removalPolicy = owner instanceof Function ? this.removalPolicy : RemovalPolicy.DESTROY;
    return new logs.LogGroup(owner, "Logs", { retention: this.retention, removalPolicy });
  }
}

/**
 * Registered on the whole app before any stack is added. Production stages keep their functions' logs after
 * `sst remove` (CloudFormation names them, so a redeploy never collides); other stages delete them with the stack.
 */
export function addFunctionLogGroups(app: App, production: boolean): void {
  Aspects.of(app).add(new FunctionLogGroups(logRetentionDays(), production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY), {
    priority: AspectPriority.MUTATING,
  });
}
