// Changing the configured platform key rotates it: after a restart with a new key the old one is refused, while
// organization keys (generated) keep working; a chosen key too short to resist an offline guess is refused.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { FLEET, startTestFleet } from "../support/fleet.js";

const dataDir = mkdtempSync(join(tmpdir(), "fleetplane-rotation-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const keyA = `platform-key-a-${"a".repeat(32)}`;
const keyB = `platform-key-b-${"b".repeat(32)}`;

test("a restart with a new platform key revokes the previous one; generated organization keys keep working", async () => {
  const first = await startTestFleet({ inMemory: false, dataDir, adminKey: keyA });
  let orgKey: string;
  let viewerKey: string;
  try {
    orgKey = (await first.request("POST", "/api/v1/organizations", { key: keyA, body: { name: "before-rotation" } })).body.admin_key;
    viewerKey = await first.keyWithRole("viewer", keyA);
  } finally {
    await first.close();
  }

  const second = await startTestFleet({ inMemory: false, dataDir, adminKey: keyB });
  try {
    expect((await second.request("GET", `${FLEET}/servers`, { key: keyA })).status).toBe(401);
    expect((await second.request("POST", "/api/v1/organizations", { key: keyA, body: { name: "after-rotation" } })).status).toBe(401);
    expect((await second.request("POST", "/api/v1/organizations", { key: keyB, body: { name: "after-rotation" } })).status).toBe(201);
    expect((await second.request("GET", `${FLEET}/servers`, { key: orgKey })).status).toBe(200);
    expect((await second.request("GET", `${FLEET}/servers`, { key: viewerKey })).status).toBe(200);
    const platformKeys = (await second.request("GET", `${FLEET}/api-keys`, { key: keyB })).body;
    expect((platformKeys.items ?? platformKeys).filter((k: { name: string }) => k.name === "platform")).toHaveLength(1);
  } finally {
    await second.close();
  }
});

test("a chosen platform key shorter than 32 characters is refused at start-up", async () => {
  await expect(startTestFleet({ adminKey: "short-key-0123456789" })).rejects.toThrow(/32 to 256 characters/);
});
