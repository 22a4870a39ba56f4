// Console stack: the static web console (web/, no build step) on S3 behind CloudFront.
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { NagSuppressions } from "cdk-nag";
import { StaticSite, type StackContext } from "sst/constructs";
import { CONSOLE_ACCESS_LOGS } from "./settings.js";

export function Console({ stack, app }: StackContext) {
  const logs = CONSOLE_ACCESS_LOGS.enabled(app.stage)
    ? new s3.Bucket(stack, "AccessLogs", {
        // CloudFront standard logs are written with ACLs, so this bucket keeps ACLs on for its writers.
        objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        lifecycleRules: [{ expiration: Duration.days(CONSOLE_ACCESS_LOGS.retentionDays) }],
        removalPolicy: RemovalPolicy.RETAIN,
      })
    : undefined;
  if (logs) {
    NagSuppressions.addResourceSuppressions(logs, [
      { id: "AwsSolutions-S1", reason: "It is the access-log bucket; logging it would log itself" },
    ]);
  }

  // web/ is served as is. The console does not learn the API URL at deploy time: the Api stack is
  // deployed after this one (it allows this site's origin in CORS), so the URL comes from the Api
  // stack's ApiUrl output and is entered in the console (see docs/infrastructure.md).
  const site = new StaticSite(stack, "Console", {
    path: "web",
    indexPage: "index.html",
    // A single-page console: unknown paths get index.html and the page routes itself.
    errorPage: "redirect_to_index_page",
    cdk: {
      bucket: {
        enforceSSL: true,
        ...(logs ? { serverAccessLogsBucket: logs, serverAccessLogsPrefix: "s3/" } : {}),
      },
      distribution: logs ? { enableLogging: true, logBucket: logs, logFilePrefix: "cloudfront/" } : {},
    },
  });

  NagSuppressions.addResourceSuppressions(
    site,
    [
      ...(logs
        ? []
        : [
            { id: "AwsSolutions-S1", reason: "Access logs are a production-stage setting (CONSOLE_ACCESS_LOGS in stacks/settings.ts)" },
            { id: "AwsSolutions-CFR3", reason: "Access logs are a production-stage setting (CONSOLE_ACCESS_LOGS in stacks/settings.ts)" },
          ]),
      { id: "AwsSolutions-CFR1", reason: "The console is static files for operators anywhere; the API authorizes every call" },
      {
        id: "AwsSolutions-CFR2",
        reason: "Static files only; the API behind API Gateway throttling holds the data, WAF would be a fixed monthly cost",
      },
      {
        id: "AwsSolutions-CFR4",
        reason: "The default *.cloudfront.net certificate fixes the TLS policy; a custom domain can set TLSv1.2_2021",
      },
      { id: "AwsSolutions-CFR7", reason: "SST 2's StaticSite reads its bucket through an origin access identity, not OAC" },
    ],
    true,
  );

  stack.addOutputs({ ConsoleUrl: site.url ?? "" });

  /** Browser origins the API must accept (none under `sst dev`, where SST does not deploy sites). */
  const origins = site.url ? [site.url] : [];
  return { site, origins };
}
