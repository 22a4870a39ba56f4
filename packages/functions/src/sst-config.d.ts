// Declares the SST secrets the functions read (SST would generate this into .sst/types during `sst dev`).
import "sst/node/config";

declare module "sst/node/config" {
  export interface SecretResources {
    FLEETPLANE_ADMIN_API_KEY: { value: string };
  }
}
