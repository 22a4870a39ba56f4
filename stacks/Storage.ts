// Storage stack: the single DynamoDB table (shape from packages/core) and the KMS key that seals agent tokens.
import { RemovalPolicy } from "aws-cdk-lib";
import * as kms from "aws-cdk-lib/aws-kms";
import * as iam from "aws-cdk-lib/aws-iam";
import { Table, type StackContext } from "sst/constructs";
import { INDEXES, KEY_ATTRIBUTES, PK, SK, TTL_ATTRIBUTE } from "../packages/core/src/store/table-definition.js";
import { isProductionStage } from "./settings.js";

/**
 * Item-level reads and writes, which is all the store adapter (packages/core/src/store/table.ts) calls:
 * transactions are authorised per item action, and TransactGet/TransactWrite need nothing more.
 * Deliberately absent: Scan (the data is partitioned per organization; a scan crosses tenants),
 * stream reads and any table management. Add an action here when the store really starts using it.
 */
export const TABLE_ITEM_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
] as const;
export type TableAction = (typeof TABLE_ITEM_ACTIONS)[number];
export type IndexName = keyof typeof INDEXES;

/** What probing a server reads and writes (packages/core/src/probes); bulk operations' run_health_check probes too. */
export const PROBE_TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:BatchWriteItem",
] as const satisfies readonly TableAction[];

/** What one function may do with the table: item actions on the base table, and Query on named indexes only. */
export interface TableAccess {
  actions: readonly TableAction[];
  /** Indexes the function queries (Query only, on each index's own ARN). */
  indexes?: readonly IndexName[];
  /** False for a function that only reads an index. Default true. */
  baseTable?: boolean;
}

/**
 * FLEETPLANE_AGENT_TOKEN_KEY_ARN: an existing KMS key (the one a removed production stage retained) to seal and
 * unseal agent tokens with, instead of creating a new one, so data copied from the retained table still decrypts
 * (docs/runbook.md, "Remove and redeploy a stage").
 */
export const AGENT_TOKEN_KEY_VARIABLE = "FLEETPLANE_AGENT_TOKEN_KEY_ARN";

export function agentTokenKeyArnFromEnv(env: Record<string, string | undefined> = process.env): string | undefined {
  const arn = env[AGENT_TOKEN_KEY_VARIABLE]?.trim() || undefined;
  if (arn && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/.test(arn)) {
    throw new Error(`${AGENT_TOKEN_KEY_VARIABLE} must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), got "${arn}"`);
  }
  return arn;
}

export function Storage({ stack, app }: StackContext) {
  const removalPolicy = isProductionStage(app.stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

  // SST's Table defaults to on-demand billing and point-in-time recovery; both are what we want.
  const table = new Table(stack, "Table", {
    fields: Object.fromEntries(KEY_ATTRIBUTES.map((name) => [name, "string" as const])),
    primaryIndex: { partitionKey: PK, sortKey: SK },
    globalIndexes: Object.fromEntries(
      Object.values(INDEXES).map((index) => [
        index.name,
        { partitionKey: index.partitionKey, sortKey: index.sortKey, projection: [...index.projects] },
      ]),
    ),
    timeToLiveAttribute: TTL_ATTRIBUTE,
    // The outbox publisher reads inserts from the stream; old images make REMOVE/MODIFY consumers possible later.
    stream: "new_and_old_images",
    // Named by CloudFormation, not SST's fixed "<stage>-fleetplane-Table": production retains the table on
    // `sst remove`, and a fixed name would make the next deploy fail on it (docs/runbook.md, removing a stage).
    cdk: { table: { tableName: undefined, removalPolicy, deletionProtection: isProductionStage(app.stage) } },
  });

  // Envelope encryption of agent tokens: a data key per token, sealed by this key (core's KmsSecrets).
  const existingKeyArn = agentTokenKeyArnFromEnv();
  const agentTokenKey: kms.IKey = existingKeyArn
    ? kms.Key.fromKeyArn(stack, "AgentTokenKey", existingKeyArn)
    : new kms.Key(stack, "AgentTokenKey", {
        description: `Fleetplane ${app.stage}: seals the agent token stored for each server`,
        enableKeyRotation: true,
        // The alias is deleted with the stack (the key is retained on production stages), so a redeploy can take it again.
        alias: `alias/fleetplane-${app.stage}-agent-tokens`,
        removalPolicy,
      });

  function grantTable(grantee: iam.IGrantable, access: TableAccess): void {
    if (access.baseTable !== false) {
      iam.Grant.addToPrincipal({ grantee, actions: access.actions.map((a) => a), resourceArns: [table.tableArn] });
    }
    if (access.indexes?.length) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ["dynamodb:Query"],
        resourceArns: access.indexes.map((index) => `${table.tableArn}/index/${INDEXES[index].name}`),
      });
    }
  }

  stack.addOutputs({
    TableName: table.tableName,
    AgentTokenKeyId: agentTokenKey.keyId,
  });

  return {
    table,
    agentTokenKey,
    /** Every item action on the table and Query on every index, by name (the API). */
    grantTableReadWrite: (grantee: iam.IGrantable) =>
      grantTable(grantee, { actions: TABLE_ITEM_ACTIONS, indexes: Object.keys(INDEXES) as IndexName[] }),
    /** Only the item actions a function calls, and Query on the indexes it reads (docs/infrastructure.md has the table). */
    grantTable: (grantee: iam.IGrantable, access: TableAccess) => grantTable(grantee, access),
    /** What sealing a new token needs (core's KmsSecrets.encrypt): a fresh data key. */
    grantTokenSealing: (grantee: iam.IGrantable) => agentTokenKey.grant(grantee, "kms:GenerateDataKey"),
    /** What reading a token back needs (KmsSecrets.decrypt): unwrap the data key. Probes and operations need only this. */
    grantTokenUnsealing: (grantee: iam.IGrantable) => agentTokenKey.grant(grantee, "kms:Decrypt"),
  };
}
