import { createHmac } from "node:crypto";
import { expect, test } from "vitest";
import { signatureHeader, verifySignature } from "./signature.js";

test("the signature is the hex HMAC-SHA256 of '<t>.<body>' and verifies only for that body, secret and time", () => {
  const body = '{"id":"e1"}';
  const header = signatureHeader("whsec_test", body, 1_800_000_000);
  const expected = createHmac("sha256", "whsec_test").update(`1800000000.${body}`).digest("hex");
  expect(header).toBe(`t=1800000000,v1=${expected}`);
  expect(verifySignature("whsec_test", body, header, 1_800_000_010)).toBe(true);
  expect(verifySignature("whsec_test", body + " ", header, 1_800_000_010)).toBe(false);
  expect(verifySignature("other-secret", body, header, 1_800_000_010)).toBe(false);
  expect(verifySignature("whsec_test", body, header, 1_800_001_000)).toBe(false);
  expect(verifySignature("whsec_test", body, "t=x,v1=zz", 1_800_000_000)).toBe(false);
});
