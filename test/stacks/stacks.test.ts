// Infrastructure tests: the SST app synthesized offline, its CloudFormation templates asserted.
import { beforeAll, describe, expect, it } from "vitest";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { OUTBOX_PREFIX } from "../../packages/core/src/store/keys.js";
import { INDEXES, PK, SK, TTL_ATTRIBUTE } from "../../packages/core/src/store/table-definition.js";
import { Api } from "../../stacks/Api.js";
import { Console } from "../../stacks/Console.js";
import { Events } from "../../stacks/Events.js";
import { API_THROTTLE, EVENT_ARCHIVE_RETENTION_DAYS, OUTBOX_DELIVERY } from "../../stacks/settings.js";
import { AGENT_TOKEN_KEY_VARIABLE, agentTokenKeyArnFromEnv, Storage } from "../../stacks/Storage.js";
import { synthesize, type Synthesized } from "./synth.js";

type Json = Record<string, unknown>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The one resource of a type whose properties match, with its logical id. */
function only(template: Template, type: string, props: Json = {}): [string, Json] {
  const found = Object.entries(template.findResources(type, { Properties: props }));
  expect(found, `${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0] as [string, Json];
}

/** Every IAM statement attached to a Lambda function's execution role. */
function roleStatements(template: Template, functionProps: Json): Statement[] {
  const [, fn] = only(template, "AWS::Lambda::Function", functionProps);
  const roleId = ((fn.Properties as Json).Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
  return Object.values(template.findResources("AWS::IAM::Policy"))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsOf = (statement: Statement) => asArray(statement.Action);
const touches = (service: string) => (statement: Statement) => actionsOf(statement).some((a) => a.startsWith(`${service}:`));

/** How another stack refers to an attribute of `logicalId` in `template`: the import of its export. */
function importOf(template: Template, logicalId: string, attribute: string): Json {
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
  const output = Object.values(outputs).find(
    (o) => o.Export && JSON.stringify(o.Value) === JSON.stringify({ "Fn::GetAtt": [logicalId, attribute] }),
  );
  if (!output?.Export) throw new Error(`${logicalId}.${attribute} is not exported`);
  return { "Fn::ImportValue": output.Export.Name };
}

let app: Synthesized;
beforeAll(async () => {
  app = await synthesize();
}, 600_000);

describe("Storage stack", () => {
  const table = () => app.template(Storage);

  it("creates one on-demand table keyed by pk/sk with every key attribute a string", () => {
    table().resourceCountIs("AWS::DynamoDB::Table", 1);
    table().hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: PK, KeyType: "HASH" },
        { AttributeName: SK, KeyType: "RANGE" },
      ],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: PK, AttributeType: "S" }]),
    });
    const [, resource] = only(table(), "AWS::DynamoDB::Table");
    const definitions = (resource.Properties as Json).AttributeDefinitions as { AttributeType: string }[];
    expect(definitions.every((d) => d.AttributeType === "S")).toBe(true);
  });

  it("lets DynamoDB TTL delete items whose expires_at has passed", () => {
    table().hasResourceProperties("AWS::DynamoDB::Table", {
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it("keeps point-in-time recovery on", () => {
    table().hasResourceProperties("AWS::DynamoDB::Table", {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it("streams new and old images for the outbox publisher", () => {
    table().hasResourceProperties("AWS::DynamoDB::Table", {
      StreamSpecification: { StreamViewType: "NEW_AND_OLD_IMAGES" },
    });
  });

  it("declares both sparse indexes (gsi1 and the sharded active index) with INCLUDE projections", () => {
    table().hasResourceProperties("AWS::DynamoDB::Table", {
      GlobalSecondaryIndexes: Object.values(INDEXES).map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: "HASH" },
          { AttributeName: index.sortKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.projects] },
      })),
    });
  });

  it("projects no attribute that probing or operation progress rewrites, so those writes never touch an index", () => {
    const indexes = Object.values(table().findResources("AWS::DynamoDB::Table"))[0]!.Properties.GlobalSecondaryIndexes as Array<{
      IndexName: string;
      Projection: { ProjectionType: string; NonKeyAttributes: string[] };
    }>;
    const volatile = ["health_status", "last_seen_at", "last_health_check_at", "response_time_ms", "revision", "updated_at", "progress"];
    for (const index of indexes) {
      expect(index.Projection.ProjectionType).toBe("INCLUDE");
      expect(index.Projection.NonKeyAttributes.filter((name) => volatile.includes(name))).toEqual([]);
    }
    const active = indexes.find((index) => index.IndexName === INDEXES.active.name)!;
    expect(active.Projection.NonKeyAttributes).toEqual(expect.arrayContaining(["api_url", "api_token_enc", "status", "name"]));
  });

  it("creates a rotating KMS key for agent tokens", () => {
    table().hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
    table().hasResourceProperties("AWS::KMS::Alias", { AliasName: "alias/fleetplane-test-agent-tokens" });
  });

  it("lets a test stage's table and key be destroyed on removal", () => {
    table().hasResource("AWS::DynamoDB::Table", { DeletionPolicy: "Delete" });
    table().hasResource("AWS::KMS::Key", { DeletionPolicy: "Delete" });
  });

  it("retains a prod stage's table and key, and protects the table from deletion", async () => {
    const prod = (await synthesize({ stacks: [Storage], stage: "prod" })).template(Storage);
    prod.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      // Named by CloudFormation: a retained table with a fixed name would block the next deploy after `sst remove`.
      Properties: Match.objectLike({ DeletionProtectionEnabled: true, TableName: Match.absent() }),
    });
    prod.hasResource("AWS::KMS::Key", { DeletionPolicy: "Retain" });
  });

  it("seals agent tokens with a retained key named by FLEETPLANE_AGENT_TOKEN_KEY_ARN instead of creating one", async () => {
    const arn = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    process.env[AGENT_TOKEN_KEY_VARIABLE] = arn;
    let prod: Template;
    try {
      prod = (await synthesize({ stacks: [Storage], stage: "prod" })).template(Storage);
    } finally {
      delete process.env[AGENT_TOKEN_KEY_VARIABLE];
    }
    prod.resourceCountIs("AWS::KMS::Key", 0);
    prod.resourceCountIs("AWS::KMS::Alias", 0);
    const outputs = prod.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.values(outputs).map((o) => o.Value)).toContain("1234abcd-12ab-34cd-56ef-1234567890ab");
    expect(() => agentTokenKeyArnFromEnv({ [AGENT_TOKEN_KEY_VARIABLE]: "alias/fleetplane-prod-agent-tokens" })).toThrow(/KMS key ARN/);
  });
});

describe("Events stack", () => {
  const events = () => app.template(Events);
  const publisher = { Description: Match.stringLikeRegexp("outbox") };

  it("creates the fleet bus for the stage, archived for replay", () => {
    const [busId] = only(events(), "AWS::Events::EventBus", { Name: "fleet-test" });
    events().hasResourceProperties("AWS::Events::Archive", {
      SourceArn: { "Fn::GetAtt": [busId, "Arn"] },
      RetentionDays: EVENT_ARCHIVE_RETENTION_DAYS,
      EventPattern: { source: ["fleetplane"] },
    });
  });

  it("invokes the outbox publisher only for inserted OUTBOX# items from the table's stream", () => {
    const [, mapping] = only(events(), "AWS::Lambda::EventSourceMapping");
    const props = mapping.Properties as Json;
    expect(props.EventSourceArn).toEqual(
      importOf(app.template(Storage), only(app.template(Storage), "AWS::DynamoDB::Table")[0], "StreamArn"),
    );
    const filters = (props.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ["INSERT"], dynamodb: { NewImage: { pk: { S: [{ prefix: OUTBOX_PREFIX }] } } } },
    ]);
    expect(OUTBOX_PREFIX).toBe("OUTBOX#");
    expect(props.StartingPosition).toBe("TRIM_HORIZON");
  });

  it("bisects failing batches, retries, reports partial failures, then dead-letters to SQS", () => {
    const [queueId] = only(events(), "AWS::SQS::Queue");
    events().hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      BatchSize: OUTBOX_DELIVERY.batchSize,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: OUTBOX_DELIVERY.retryAttempts,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [queueId, "Arn"] } } },
    });
  });

  it("builds the publisher handler for nodejs24.x on arm64", () => {
    events().hasResourceProperties("AWS::Lambda::Function", {
      ...publisher,
      Handler: "packages/functions/src/outbox-publisher.handler",
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
      Environment: { Variables: Match.objectLike({ FLEETPLANE_EVENT_BUS_NAME: { Ref: Match.anyValue() } }) },
    });
  });

  it("lets the publisher put events on the fleet bus only, and never write the table", () => {
    const [busId] = only(events(), "AWS::Events::EventBus");
    const statements = roleStatements(events(), publisher);
    expect(statements.filter(touches("events"))).toEqual([
      { Effect: "Allow", Action: "events:PutEvents", Resource: { "Fn::GetAtt": [busId, "Arn"] } },
    ]);
    const dynamodbActions = statements.filter(touches("dynamodb")).flatMap(actionsOf);
    // Stream reads only; ListStreams has no resource-level permission in IAM, so Lambda needs it on "*".
    expect(new Set(dynamodbActions)).toEqual(
      new Set(["dynamodb:ListStreams", "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]),
    );
  });
});

describe("Api stack", () => {
  const api = () => app.template(Api);
  const apiFunction = { Description: "Fleetplane HTTP API (Hono)" };

  it("routes ANY /api/{proxy+} to the API function", () => {
    const [functionId] = only(api(), "AWS::Lambda::Function", apiFunction);
    const [integrationId] = only(api(), "AWS::ApiGatewayV2::Integration", {
      IntegrationType: "AWS_PROXY",
      IntegrationUri: { "Fn::GetAtt": [functionId, "Arn"] },
      PayloadFormatVersion: "2.0",
    });
    api().hasResourceProperties("AWS::ApiGatewayV2::Route", {
      RouteKey: "ANY /api/{proxy+}",
      Target: { "Fn::Join": ["", ["integrations/", { Ref: integrationId }]] },
    });
  });

  it("runs the API function on nodejs24.x, arm64, 512 MB, 29 s, in production mode", () => {
    const storage = app.template(Storage);
    const [tableId] = only(storage, "AWS::DynamoDB::Table");
    const [keyId] = only(storage, "AWS::KMS::Key");
    api().hasResourceProperties("AWS::Lambda::Function", {
      ...apiFunction,
      Handler: "packages/functions/src/api.handler",
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
      MemorySize: 512,
      Timeout: 29,
      Environment: {
        Variables: Match.objectLike({
          FLEETPLANE_MODE: "production",
          FLEETPLANE_TABLE_NAME: { "Fn::ImportValue": Match.stringLikeRegexp(`Storage:ExportsOutputRef${tableId}`) },
          FLEETPLANE_KMS_KEY_ID: importOf(storage, keyId, "Arn"),
          FLEETPLANE_EVENT_BUS_NAME: { "Fn::ImportValue": Match.stringLikeRegexp("Events:") },
          // SST's secret binding: the function fetches the value from SSM at cold start.
          SST_Secret_value_FLEETPLANE_ADMIN_API_KEY: "__FETCH_FROM_SSM__",
        }),
      },
    });
  });

  it("grants item-level DynamoDB access on this table, and Query on each index by name", () => {
    const storage = app.template(Storage);
    const tableArn = importOf(storage, only(storage, "AWS::DynamoDB::Table")[0], "Arn");
    const dynamodb = roleStatements(api(), apiFunction).filter(touches("dynamodb"));
    expect(dynamodb).toHaveLength(2);
    const [items, indexes] = dynamodb as [Statement, Statement];
    expect(items.Resource).toEqual(tableArn);
    expect(actionsOf(items)).toEqual(expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"]));
    expect(actionsOf(indexes)).toEqual(["dynamodb:Query"]);
    expect(indexes.Resource).toEqual(Object.values(INDEXES).map((index) => ({ "Fn::Join": ["", [tableArn, `/index/${index.name}`]] })));
    for (const statement of dynamodb) {
      for (const action of actionsOf(statement)) {
        expect(action).not.toMatch(/\*|Scan|Table|Stream|GetRecords|GetShardIterator|Backup|Export|Import/);
      }
    }
  });

  it("grants data-key generation and decryption on the agent token key only", () => {
    const storage = app.template(Storage);
    const keyArn = importOf(storage, only(storage, "AWS::KMS::Key")[0], "Arn");
    const kms = roleStatements(api(), apiFunction).filter(touches("kms"));
    expect(new Set(kms.flatMap(actionsOf))).toEqual(new Set(["kms:GenerateDataKey", "kms:Decrypt"]));
    for (const statement of kms) expect(statement.Resource).toEqual(keyArn);
  });

  it("lets the API function read its admin key secret and no other parameter", () => {
    const ssm = roleStatements(api(), apiFunction).filter(touches("ssm"));
    expect(ssm.flatMap(actionsOf)).toEqual(["ssm:GetParameters"]);
    const resources = JSON.stringify(ssm.map((s) => s.Resource));
    expect(resources).toContain(":parameter/sst/fleetplane/test/Secret/FLEETPLANE_ADMIN_API_KEY/value");
    expect(resources).not.toContain("*");
  });

  it("grants the API function nothing on every resource except X-Ray tracing", () => {
    const wildcard = roleStatements(api(), apiFunction).filter((s) => asArray(s.Resource).includes("*"));
    expect(wildcard.flatMap(actionsOf).every((action) => action.startsWith("xray:"))).toBe(true);
  });

  it("throttles every route by default", () => {
    api().hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      DefaultRouteSettings: { ThrottlingRateLimit: API_THROTTLE.rate, ThrottlingBurstLimit: API_THROTTLE.burst },
    });
  });

  it("allows the console's CloudFront origin in CORS, without credentials", () => {
    const console = app.template(Console);
    const [distributionId] = only(console, "AWS::CloudFront::Distribution");
    api().hasResourceProperties("AWS::ApiGatewayV2::Api", {
      ProtocolType: "HTTP",
      CorsConfiguration: Match.objectLike({
        AllowCredentials: false,
        AllowOrigins: [{ "Fn::Join": ["", ["https://", importOf(console, distributionId, "DomainName")]] }],
        AllowHeaders: Match.arrayWith(["authorization", "content-type"]),
      }),
    });
  });
});

describe("Console stack", () => {
  const site = () => app.template(Console);

  it("serves the built console from a private S3 bucket through CloudFront with Origin Access Control", () => {
    site().hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    site().resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
    site().resourceCountIs("AWS::CloudFront::CloudFrontOriginAccessIdentity", 0);
    site().hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({ DefaultRootObject: "index.html" }),
    });
    site().resourceCountIs("Custom::CDKBucketDeployment", 2);
  });

  it("uses CloudFront's default certificate without a custom domain, and no access logs outside production", () => {
    const [, distribution] = only(site(), "AWS::CloudFront::Distribution");
    const config = (distribution.Properties as Json).DistributionConfig as Json;
    expect(config.ViewerCertificate).toBeUndefined();
    expect(config.Logging).toBeUndefined();
    site().resourceCountIs("AWS::S3::Bucket", 1);
  });
});

describe("removal of a non-production stage", () => {
  it("deletes every resource of every stack with it, log groups included", () => {
    for (const stack of app.stacks()) {
      for (const [id, resource] of Object.entries(app.template(stack).toJSON().Resources as Record<string, Json>)) {
        const policies = [resource.DeletionPolicy, resource.UpdateReplacePolicy].filter(Boolean);
        expect({ stack: stack.stackName, id, policies }).toEqual({
          stack: stack.stackName,
          id,
          policies: policies.map(() => "Delete"),
        });
      }
    }
  });

  it("empties every bucket before deleting it", () => {
    for (const stack of app.stacks()) {
      const template = app.template(stack);
      for (const bucketId of Object.keys(template.findResources("AWS::S3::Bucket"))) {
        template.hasResourceProperties("Custom::S3AutoDeleteObjects", { BucketName: { Ref: bucketId } });
      }
    }
  });

  it("keeps each log group for the default retention of 30 days", () => {
    for (const stack of app.stacks()) {
      for (const group of Object.values(app.template(stack).findResources("AWS::Logs::LogGroup"))) {
        expect(group.Properties.RetentionInDays).toBe(30);
      }
    }
  });
});

describe("the whole app", () => {
  it("registers Storage, Events, Console and Api under the stage's names", () => {
    expect(app.stacks().map((s) => s.stackName)).toEqual(
      expect.arrayContaining(["test-fleetplane-Storage", "test-fleetplane-Events", "test-fleetplane-Console", "test-fleetplane-Api"]),
    );
  });

  it("never grants table or key access on every resource, in any stack", () => {
    for (const stack of app.stacks()) {
      const statements = Object.values(app.template(stack).findResources("AWS::IAM::Policy")).flatMap(
        (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
      );
      for (const statement of statements.filter((s) => touches("dynamodb")(s) || touches("kms")(s))) {
        if (!asArray(statement.Resource).includes("*")) continue;
        // The one exception IAM forces: a stream consumer's ListStreams cannot be scoped.
        expect({ stack: stack.stackName, actions: actionsOf(statement) }).toEqual({
          stack: stack.stackName,
          actions: ["dynamodb:ListStreams"],
        });
      }
    }
  });

  it("reserves no Lambda concurrency by default, so an account with a quota of 10 can deploy", () => {
    for (const stack of app.stacks()) {
      for (const [id, fn] of Object.entries(app.template(stack).findResources("AWS::Lambda::Function"))) {
        expect({ stack: stack.stackName, id, reserved: fn.Properties.ReservedConcurrentExecutions }).toEqual({
          stack: stack.stackName,
          id,
          reserved: undefined,
        });
      }
    }
  });
});
