// Console stack: the web console's esbuild bundle (built during synthesis) in a private S3 bucket, served by CloudFront
// through Origin Access Control with the console's security headers; hashed files cached for a year, the rest revalidated.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { Duration, RemovalPolicy, type Stack } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { NagSuppressions } from "cdk-nag";
import type { StackContext } from "sst/constructs";
import { useProject } from "sst/project.js";
import {
  CONSOLE_FRAME_OPTIONS,
  CONSOLE_HSTS,
  CONSOLE_REFERRER_POLICY,
  consoleContentSecurityPolicy,
  IMMUTABLE,
  REVALIDATE,
} from "../packages/local/src/console-headers.js";
import { consoleSiteSettings } from "./console-settings.js";
import { isProductionStage } from "./settings.js";

/** Where the hashed bundle files live in the build output and the bucket (console-bundle.ts names them assets/...). */
export const HASHED_PREFIX = "assets";

/**
 * The API origins the deployed console may call (CSP connect-src). The Api stack is deployed after this one (it
 * allows this site's origin in CORS), so its URL cannot be named here: any API Gateway endpoint of the region is.
 */
export function consoleApiOrigins(stack: Stack): string[] {
  return [`https://*.execute-api.${stack.region}.amazonaws.com`];
}

/**
 * Builds the console as `npm run build:console` does, into the synthesis output, and returns the directory. A child
 * process, because CDK assets need the files while the stack is constructed, and the bundler is asynchronous.
 */
function buildConsole(): string {
  // The project's paths, not this module's URL: `sst deploy` runs the stacks from a bundled copy of sst.config.ts.
  const { root, out: synthesisOutput } = useProject().paths;
  const out = path.join(synthesisOutput, "console-site");
  execFileSync(process.execPath, ["--import", "tsx", path.join(root, "packages/local/src/console-bundle.ts"), out], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return out;
}

export function Console({ stack, app }: StackContext) {
  const settings = consoleSiteSettings(app.stage);
  const production = isProductionStage(app.stage);

  const logs = settings.accessLogs
    ? new s3.Bucket(stack, "AccessLogs", {
        // CloudFront standard logs are written with ACLs, so this bucket keeps ACLs on for its writers.
        objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        lifecycleRules: [{ expiration: Duration.days(settings.accessLogs.retentionDays) }],
        // Named by CloudFormation: a retained bucket never blocks a redeploy.
        removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        autoDeleteObjects: !production,
      })
    : undefined;
  if (logs) {
    NagSuppressions.addResourceSuppressions(logs, [
      { id: "AwsSolutions-S1", reason: "It is the access-log bucket; logging it would log itself" },
    ]);
  }

  // Only build output lives here, rebuilt by every deploy, so it goes with the stack in every stage.
  const bucket = new s3.Bucket(stack, "Files", {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    // A bucket policy denies any request without TLS (aws:SecureTransport false) or below TLS 1.2.
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
    ...(logs ? { serverAccessLogsBucket: logs, serverAccessLogsPrefix: "s3/" } : {}),
  });

  const headers = new cloudfront.ResponseHeadersPolicy(stack, "SecurityHeaders", {
    comment: "Fleetplane console: CSP, HSTS, no framing, no MIME sniffing, no referrer",
    securityHeadersBehavior: {
      contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy(consoleApiOrigins(stack)), override: true },
      strictTransportSecurity: {
        accessControlMaxAge: Duration.seconds(CONSOLE_HSTS.maxAgeSeconds),
        includeSubdomains: CONSOLE_HSTS.includeSubdomains,
        override: true,
      },
      frameOptions: { frameOption: CONSOLE_FRAME_OPTIONS as cloudfront.HeadersFrameOption, override: true },
      contentTypeOptions: { override: true },
      referrerPolicy: { referrerPolicy: CONSOLE_REFERRER_POLICY as cloudfront.HeadersReferrerPolicy, override: true },
    },
  });

  // Edge caching follows each object's Cache-Control (a year for hashed files, revalidation for the rest).
  const cachePolicy = new cloudfront.CachePolicy(stack, "CachePolicy", {
    comment: "Fleetplane console: honour the objects' Cache-Control",
    minTtl: Duration.seconds(0),
    defaultTtl: Duration.days(1),
    maxTtl: Duration.days(365),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  });

  const distribution = new cloudfront.Distribution(stack, "Distribution", {
    comment: `Fleetplane console (${app.stage})`,
    defaultRootObject: "index.html",
    defaultBehavior: {
      origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy,
      responseHeadersPolicy: headers,
      compress: true,
    },
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    ...(settings.domain
      ? {
          domainNames: [settings.domain.name],
          certificate: acm.Certificate.fromCertificateArn(stack, "Certificate", settings.domain.certificateArn),
          minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          sslSupportMethod: cloudfront.SSLMethod.SNI,
        }
      : {}),
    ...(logs ? { enableLogging: true, logBucket: logs, logFilePrefix: "cloudfront/" } : {}),
  });

  // The bundle: hashed files first (kept from earlier deploys, so a console loaded before the upgrade still finds
  // its files), then index.html and the rest, revalidated on every load.
  const built = buildConsole();
  const hashed = new s3deploy.BucketDeployment(stack, "HashedFiles", {
    sources: [s3deploy.Source.asset(path.join(built, HASHED_PREFIX))],
    destinationBucket: bucket,
    destinationKeyPrefix: `${HASHED_PREFIX}/`,
    cacheControl: [s3deploy.CacheControl.fromString(IMMUTABLE)],
    prune: false,
  });
  const pages = new s3deploy.BucketDeployment(stack, "RevalidatedFiles", {
    sources: [s3deploy.Source.asset(built, { exclude: [HASHED_PREFIX] })],
    destinationBucket: bucket,
    cacheControl: [s3deploy.CacheControl.fromString(REVALIDATE)],
    // Pruning here would delete the hashed files and config.json, which other deployments write. No invalidation:
    // with the cache policy's minimum TTL of 0, CloudFront revalidates no-cache objects with S3 on every request.
    prune: false,
  });
  pages.node.addDependency(hashed);

  NagSuppressions.addResourceSuppressions(
    distribution,
    [
      ...(logs
        ? []
        : [
            {
              id: "AwsSolutions-CFR3",
              reason: "Access logs are a setting (FLEETPLANE_CONSOLE_ACCESS_LOGS), on by default for production stages",
            },
          ]),
      { id: "AwsSolutions-CFR1", reason: "The console is static files for operators anywhere; the API authorizes every call" },
      {
        id: "AwsSolutions-CFR2",
        reason: "Static files only; the API behind API Gateway throttling holds the data, WAF would be a fixed monthly cost",
      },
      ...(settings.domain
        ? []
        : [
            {
              id: "AwsSolutions-CFR4",
              reason:
                "The default *.cloudfront.net certificate cannot enforce a minimum TLS version; FLEETPLANE_CONSOLE_DOMAIN with a certificate sets TLSv1.2_2021",
            },
          ]),
    ],
    true,
  );
  if (!logs) {
    NagSuppressions.addResourceSuppressions(bucket, [
      { id: "AwsSolutions-S1", reason: "Access logs are a setting (FLEETPLANE_CONSOLE_ACCESS_LOGS), on by default for production stages" },
    ]);
  }

  const url = `https://${settings.domain?.name ?? distribution.distributionDomainName}`;
  stack.addOutputs({ ConsoleUrl: url });

  /** Browser origins the API must accept: the custom domain when there is one, and CloudFront's own name. */
  const consoleOrigins = [...new Set([url, `https://${distribution.distributionDomainName}`])];
  return { bucket, distribution, url, origins: consoleOrigins };
}
