// Notifications stack (deployed when FLEETPLANE_NOTIFICATION_EMAIL is set): alerts raised and resolved and finished
// bulk operations go from the fleet bus to an SNS topic, as readable one-line messages, and by email to the address.
import * as events from "aws-cdk-lib/aws-events";
import * as eventTargets from "aws-cdk-lib/aws-events-targets";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { use, type StackContext } from "sst/constructs";
import { Events } from "./Events.js";
import { eventSharingFromEnv } from "./settings.js";

export function Notifications({ stack, app }: StackContext) {
  const { bus } = use(Events);
  const { notificationEmail } = eventSharingFromEnv();

  const topic = new sns.Topic(stack, "FleetNotifications", {
    displayName: `Fleetplane ${app.stage}`,
    // SNS encrypts at rest with the AWS-managed key; EventBridge may publish to it through the topic policy CDK adds.
    enforceSSL: true,
  });
  if (notificationEmail) topic.addSubscription(new subscriptions.EmailSubscription(notificationEmail));

  const path = (p: string) => events.EventField.fromPath(p);
  new events.Rule(stack, "AlertNotifications", {
    eventBus: bus,
    description: "Fleet alerts raised and resolved, as readable notifications",
    eventPattern: { source: ["fleetplane"], detailType: ["Fleet Alert Raised", "Fleet Alert Resolved"] },
    targets: [
      new eventTargets.SnsTopic(topic, {
        message: events.RuleTargetInput.fromText(
          `${path("$.detail-type")}: ${path("$.detail.data.alert.rule")} (${path("$.detail.data.alert.severity")}) on server ${path("$.detail.data.alert.server_name")} at ${path("$.detail.occurred_at")}. Organization ${path("$.detail.organization_id")}, alert ${path("$.detail.data.alert.id")}.`,
        ),
      }),
    ],
  });
  new events.Rule(stack, "OperationNotifications", {
    eventBus: bus,
    description: "Bulk operations finished, as readable notifications",
    eventPattern: { source: ["fleetplane"], detailType: ["Bulk Operation Finished"] },
    targets: [
      new eventTargets.SnsTopic(topic, {
        message: events.RuleTargetInput.fromText(
          `Bulk operation ${path("$.detail.data.operation_id")} (${path("$.detail.data.operation_type")}) finished ${path("$.detail.data.status")}: ${path("$.detail.data.completed_servers")} succeeded, ${path("$.detail.data.failed_servers")} failed, ${path("$.detail.data.skipped_servers")} skipped of ${path("$.detail.data.total_servers")}. Organization ${path("$.detail.organization_id")}.`,
        ),
      }),
    ],
  });

  stack.addOutputs({ NotificationTopicArn: topic.topicArn });
  return { topic };
}
