// The KMS secrets adapter with its traced client, imported on first use (aws-context.ts): a module of its own, so
// the bundle keeps only the KMS commands it sends.
import { KMSClient } from "@aws-sdk/client-kms";
import { KmsSecrets } from "@fleetplane/core/secrets/kms";
import type { Table } from "@fleetplane/core/store";
import { traced } from "../tracing.js";

export function kmsSecrets(keyId: string, table: Table): KmsSecrets {
  return new KmsSecrets(keyId, table, traced(new KMSClient({})));
}
