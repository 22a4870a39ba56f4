// A production-stage synthesis with a custom console domain: the console site hardened and self-configuring, a
// retention setting on every log group of every stack, and no retained resource whose name would block a redeploy.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { useProject } from "sst/project.js";
import {
  CONSOLE_HSTS,
  consoleContentSecurityPolicy,
  consoleSecurityHeaders,
  IMMUTABLE,
  REVALIDATE,
} from "../../packages/local/src/console-headers.js";
import { Api } from "../../stacks/Api.js";
import { Console } from "../../stacks/Console.js";
import { CONSOLE_SETTING_VARIABLES } from "../../stacks/console-settings.js";
import { LOG_RETENTION_VARIABLE } from "../../stacks/log-groups.js";
import { Operations } from "../../stacks/Operations.js";
import { Storage } from "../../stacks/Storage.js";
import { synthesize, type Synthesized } from "./synth.js";

type Json = Record<string, any>;

const DOMAIN = "console.fleet.example.com";
const CERTIFICATE = "arn:aws:acm:us-east-1:000000000000:certificate/0b6f3a2e-5f6c-4b1e-9d55-3f0c1a2b3c4d";
const RETENTION_DAYS = 90;
const SETTINGS: Record<string, string> = {
  [CONSOLE_SETTING_VARIABLES.domain]: DOMAIN,
  [CONSOLE_SETTING_VARIABLES.certificateArn]: CERTIFICATE,
  [LOG_RETENTION_VARIABLE]: String(RETENTION_DAYS),
  FLEETPLANE_LOG_LEVEL: "warn",
};

let app: Synthesized;
let built: string;
beforeAll(async () => {
  Object.assign(process.env, SETTINGS);
  try {
    app = await synthesize({ stage: "prod" });
    for (const stack of app.stacks()) app.template(stack);
  } finally {
    for (const name of Object.keys(SETTINGS)) delete process.env[name];
  }
  built = path.join(useProject().paths.out, "console-site");
}, 600_000);
afterAll(() => {
  for (const name of Object.keys(SETTINGS)) delete process.env[name];
});

/** The one resource of a type matching `props`, as [logical id, resource]. */
function only(template: Template, type: string, props: Json = {}): [string, Json] {
  const found = Object.entries(template.findResources(type, { Properties: props }));
  expect(found, `${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0] as [string, Json];
}

describe("the console site (stage prod, custom domain)", () => {
  const site = () => app.template(Console);

  it("reads its private bucket through Origin Access Control, not an origin access identity", () => {
    const [oacId] = only(site(), "AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: "s3",
        SigningBehavior: "always",
        SigningProtocol: "sigv4",
      }),
    });
    site().resourceCountIs("AWS::CloudFront::CloudFrontOriginAccessIdentity", 0);
    const [bucketId] = only(site(), "AWS::S3::Bucket", { LifecycleConfiguration: Match.absent() });
    const [, distribution] = only(site(), "AWS::CloudFront::Distribution");
    const origins = distribution.Properties.DistributionConfig.Origins as Json[];
    expect(origins).toEqual([
      expect.objectContaining({
        DomainName: { "Fn::GetAtt": [bucketId, "RegionalDomainName"] },
        OriginAccessControlId: { "Fn::GetAtt": [oacId, "Id"] },
      }),
    ]);
    // Only this distribution may read objects; the bucket itself is not public.
    site().hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Condition: { StringEquals: { "AWS:SourceArn": Match.anyValue() } },
          }),
        ]),
      },
    });
    site().hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
    });
  });

  it("denies every request to its buckets that does not use TLS (1.2 or later)", () => {
    const buckets = Object.keys(site().findResources("AWS::S3::Bucket"));
    expect(buckets.length).toBeGreaterThanOrEqual(2); // the files and the access logs
    for (const bucketId of buckets) {
      site().hasResourceProperties("AWS::S3::BucketPolicy", {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Deny",
              Action: "s3:*",
              Principal: { AWS: "*" },
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }),
            Match.objectLike({ Effect: "Deny", Action: "s3:*", Condition: { NumericLessThan: { "s3:TlsVersion": 1.2 } } }),
          ]),
        },
      });
    }
  });

  it("answers with the console's CSP, HSTS, frame, content-type and referrer headers, the local server's own", () => {
    const [policyId, policy] = only(site(), "AWS::CloudFront::ResponseHeadersPolicy");
    const security = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = consoleContentSecurityPolicy(["https://*.execute-api.us-east-1.amazonaws.com"]);
    expect(security).toEqual({
      ContentSecurityPolicy: { ContentSecurityPolicy: csp, Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: CONSOLE_HSTS.maxAgeSeconds, IncludeSubdomains: true, Override: true },
      FrameOptions: { FrameOption: "DENY", Override: true },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: "no-referrer", Override: true },
    });
    // The same policy as `npm start` sends, but for the API's origin: API Gateway in the stack's region.
    const local = consoleSecurityHeaders();
    expect(csp.replace(" https://*.execute-api.us-east-1.amazonaws.com", "")).toBe(local["Content-Security-Policy"]);
    expect([local["X-Frame-Options"], local["Referrer-Policy"], local["X-Content-Type-Options"]]).toEqual([
      "DENY",
      "no-referrer",
      "nosniff",
    ]);
    site().hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ResponseHeadersPolicyId: { Ref: policyId }, ViewerProtocolPolicy: "redirect-to-https" }),
      }),
    });
  });

  it("serves its custom domain with the ACM certificate and TLS 1.2 or later (TLSv1.2_2021)", () => {
    site().hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        Aliases: [DOMAIN],
        ViewerCertificate: { AcmCertificateArn: CERTIFICATE, MinimumProtocolVersion: "TLSv1.2_2021", SslSupportMethod: "sni-only" },
      }),
    });
    const outputs = site().toJSON().Outputs as Json;
    expect(Object.values(outputs).some((o: Json) => o.Value === `https://${DOMAIN}`)).toBe(true);
  });

  it("lets the API accept both the custom domain and CloudFront's own name in CORS", () => {
    const cors = Object.values(app.template(Api).findResources("AWS::ApiGatewayV2::Api"))[0]!.Properties.CorsConfiguration;
    expect(cors.AllowOrigins).toHaveLength(2);
    expect(cors.AllowOrigins[0]).toBe(`https://${DOMAIN}`);
    expect(JSON.stringify(cors.AllowOrigins[1])).toContain("DomainName");
  });

  it("keeps access logs of the bucket and the distribution in production, in a bucket that expires them", () => {
    const [logsId] = only(site(), "AWS::S3::Bucket", { LifecycleConfiguration: Match.anyValue() });
    site().hasResourceProperties("AWS::S3::Bucket", {
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: "s3/" },
    });
    site().hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        Logging: { Bucket: { "Fn::GetAtt": [logsId, "RegionalDomainName"] }, Prefix: "cloudfront/" },
      }),
    });
  });

  it("lets CloudFront cache by each object's Cache-Control, revalidating no-cache objects (minimum TTL 0)", () => {
    const [cachePolicyId] = only(site(), "AWS::CloudFront::CachePolicy", {
      CachePolicyConfig: Match.objectLike({ MinTTL: 0, MaxTTL: 31_536_000 }),
    });
    site().hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: "index.html",
        DefaultCacheBehavior: Match.objectLike({ CachePolicyId: { Ref: cachePolicyId }, Compress: true }),
      }),
    });
  });

  it("deploys the hashed bundle under assets/ cached for a year, then index.html revalidated, keeping older files", () => {
    const deployments = site().findResources("Custom::CDKBucketDeployment");
    const byCache = Object.fromEntries(
      Object.entries(deployments).map(([id, r]) => [r.Properties.SystemMetadata["cache-control"], { id, ...r }]),
    );
    expect(Object.keys(byCache).sort()).toEqual([IMMUTABLE, REVALIDATE].sort());
    expect(byCache[IMMUTABLE]!.Properties).toMatchObject({ DestinationBucketKeyPrefix: "assets/", Prune: false });
    expect(byCache[REVALIDATE]!.Properties).toMatchObject({ Prune: false });
    expect(byCache[REVALIDATE]!.Properties.DestinationBucketKeyPrefix).toBeUndefined();
    // index.html goes up only after the files it names.
    expect(byCache[REVALIDATE]!.DependsOn).toEqual(expect.arrayContaining([byCache[IMMUTABLE]!.id]));
  });

  it("builds the console during synthesis: hashed files under assets/ and an index.html that names them", () => {
    const html = readFileSync(path.join(built, "index.html"), "utf8");
    const assets = readdirSync(path.join(built, "assets"));
    const script = assets.find((f) => /^main-[A-Z0-9]+\.js$/.test(f));
    const style = assets.find((f) => /^console-[A-Z0-9]+\.css$/.test(f));
    expect(script && html.includes(`assets/${script}`)).toBe(true);
    expect(style && html.includes(`assets/${style}`)).toBe(true);
    expect(existsSync(path.join(built, "favicon.svg"))).toBe(true);
  });

  it("writes config.json with the API's URL into the console bucket, revalidated on every load", () => {
    const api = app.template(Api);
    const [apiId] = only(api, "AWS::ApiGatewayV2::Api");
    const [, deployment] = only(api, "Custom::CDKBucketDeployment");
    expect(deployment.Properties).toMatchObject({ Prune: false, SystemMetadata: { "cache-control": REVALIDATE } });
    expect(deployment.Properties.DestinationBucketName).toEqual({
      "Fn::ImportValue": expect.stringMatching(/Console:ExportsOutputRefFiles/),
    });
    // Source.jsonData: the API endpoint is substituted for its marker when the file is written.
    expect(deployment.Properties.SourceMarkers).toEqual([
      {
        [Object.keys(deployment.Properties.SourceMarkers[0])[0]!]: {
          "Fn::Join": ["", ['"', { "Fn::GetAtt": [apiId, "ApiEndpoint"] }, '"']],
        },
      },
    ]);
  });
});

describe("log retention and removal (stage prod)", () => {
  const each = (fn: (name: string, template: Template) => void) => {
    for (const stack of app.stacks()) fn(app.shortName(stack), app.template(stack));
  };

  it("gives every log group in every stack the retention setting, and leaves none to CDK's log-retention function", () => {
    let groups = 0;
    each((name, template) => {
      for (const [id, group] of Object.entries(template.findResources("AWS::Logs::LogGroup"))) {
        groups += 1;
        expect({ stack: name, id, days: group.Properties.RetentionInDays }).toEqual({ stack: name, id, days: RETENTION_DAYS });
      }
      expect(template.findResources("Custom::LogRetention"), name).toEqual({});
    });
    expect(groups).toBeGreaterThanOrEqual(15);
  });

  it("sends every Lambda function's logs (Fleetplane's, SST's and CDK's) to a log group of its own in its stack", () => {
    each((name, template) => {
      const groups = template.findResources("AWS::Logs::LogGroup");
      const used = new Set<string>();
      for (const [id, fn] of Object.entries(template.findResources("AWS::Lambda::Function"))) {
        const ref = fn.Properties.LoggingConfig?.LogGroup?.Ref as string | undefined;
        expect({ stack: name, id, group: ref && ref in groups }).toEqual({ stack: name, id, group: true });
        expect(used.has(ref!)).toBe(false);
        used.add(ref!);
      }
    });
  });

  it("logs the state machine and the API's access log to groups of their own stack", () => {
    const operations = app.template(Operations);
    const [, machine] = only(operations, "AWS::StepFunctions::StateMachine");
    const machineGroup = machine.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn["Fn::GetAtt"][0];
    expect(Object.keys(operations.findResources("AWS::Logs::LogGroup"))).toContain(machineGroup);
    const api = app.template(Api);
    const [, stage] = only(api, "AWS::ApiGatewayV2::Stage");
    expect(Object.keys(api.findResources("AWS::Logs::LogGroup"))).toContain(
      stage.Properties.AccessLogSettings.DestinationArn["Fn::GetAtt"][0],
    );
  });

  it("retains the table, the token key and Fleetplane's function logs; the site's files go with the stack", () => {
    app
      .template(Storage)
      .hasResource("AWS::DynamoDB::Table", { DeletionPolicy: "Retain", Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    app.template(Storage).hasResource("AWS::KMS::Key", { DeletionPolicy: "Retain" });
    app.template(Api).hasResource("AWS::Logs::LogGroup", { DeletionPolicy: "Retain" });
    const [filesId] = only(app.template(Console), "AWS::S3::Bucket", { LifecycleConfiguration: Match.absent() });
    app
      .template(Console)
      .hasResource("AWS::S3::Bucket", {
        DeletionPolicy: "Delete",
        Properties: Match.objectLike({ LoggingConfiguration: Match.anyValue() }),
      });
    app.template(Console).hasResourceProperties("Custom::S3AutoDeleteObjects", { BucketName: { Ref: filesId } });
  });

  it("names no retained resource with a fixed name, so a redeploy after `sst remove` never collides with it", () => {
    let retained = 0;
    each((name, template) => {
      const resources = template.toJSON().Resources as Record<string, Json>;
      for (const [id, resource] of Object.entries(resources)) {
        if (resource.DeletionPolicy !== "Retain" && resource.UpdateReplacePolicy !== "Retain") continue;
        retained += 1;
        for (const [property, value] of Object.entries((resource.Properties ?? {}) as Json)) {
          if (!/Name$/.test(property)) continue;
          const json = JSON.stringify(value);
          // Unique per creation: derived from the stack's own id, or from a resource this stack creates.
          const unique = json.includes('"AWS::StackId"') || Object.keys(resources).some((other) => json.includes(`{"Ref":"${other}"}`));
          expect({ stack: name, id, property, unique }).toEqual({ stack: name, id, property, unique: true });
        }
      }
    });
    expect(retained).toBeGreaterThanOrEqual(4);
  });
});

describe("function settings (stage prod)", () => {
  it("gives every Fleetplane function the deploy's log level, validated and upper-cased at synthesis", () => {
    let functions = 0;
    for (const stack of app.stacks()) {
      for (const fn of Object.values(app.template(stack).findResources("AWS::Lambda::Function")) as Json[]) {
        const variables = fn.Properties.Environment?.Variables ?? {};
        if (!Object.keys(variables).some((name) => name.startsWith("FLEETPLANE_") && name !== "FLEETPLANE_LOG_LEVEL")) continue;
        functions += 1;
        expect(variables.FLEETPLANE_LOG_LEVEL).toBe("WARN");
      }
    }
    expect(functions).toBeGreaterThanOrEqual(10);
  });
});
