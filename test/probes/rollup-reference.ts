// The metric fields as the tests see them: gauges are averaged in rollups, everything else summed.
export { FIELDS } from "@fleetplane/core";
export const GAUGES_FOR_TEST: string[] = [
  "cpu_percent",
  "memory_percent",
  "disk_percent",
  "active_services",
  "failed_services",
  "total_services",
  "active_users",
  "total_users",
];
