// cdk-nag findings of one synthesis, collected as the rule packs report them (read once, after synthesis).
import { Stack } from "aws-cdk-lib";
import type {
  INagLogger,
  NagLoggerErrorData,
  NagLoggerNonComplianceData,
  NagLoggerSuppressedData,
  NagLoggerSuppressedErrorData,
} from "cdk-nag";

export interface NagFinding {
  stack: string;
  /** The resource's construct path below its stack. */
  path: string;
  /** Rule id with the finding's own part, e.g. "AwsSolutions-IAM5[Resource::*]". */
  finding: string;
  level: string;
  info: string;
  /** Present when the finding is suppressed in code. */
  reason?: string;
}

/**
 * Collects instead of reading Annotations afterwards: Annotations.fromStack synthesizes the app again per
 * stack, and SST's unique-id aspect refuses a second run.
 */
export class NagFindings implements INagLogger {
  readonly unsuppressed: NagFinding[] = [];
  readonly suppressed: NagFinding[] = [];

  onCompliance(): void {}
  onNotApplicable(): void {}
  onNonCompliance(data: NagLoggerNonComplianceData): void {
    this.unsuppressed.push(finding(data, data.findingId));
  }
  onError(data: NagLoggerErrorData): void {
    this.unsuppressed.push({ ...finding(data, ""), info: `rule failed to run: ${data.errorMessage}` });
  }
  onSuppressed(data: NagLoggerSuppressedData): void {
    this.suppressed.push({ ...finding(data, data.findingId), reason: data.suppressionReason });
  }
  onSuppressedError(data: NagLoggerSuppressedErrorData): void {
    this.suppressed.push({ ...finding(data, ""), reason: data.errorSuppressionReason });
  }
}

function finding(data: NagLoggerNonComplianceData | NagLoggerErrorData, findingId: string): NagFinding {
  const stack = Stack.of(data.resource);
  return {
    stack: stack.node.id,
    path: data.resource.node.path.slice(stack.node.path.length + 1),
    finding: findingId && findingId !== data.ruleId ? `${data.ruleId}[${findingId}]` : data.ruleId,
    level: data.ruleLevel,
    info: data.ruleInfo,
  };
}
