// The signed SSM call as AWS receives it: the JSON 1.1 protocol's target and content type, and a Signature V4
// that verifies against the request (recomputed here with the AWS SDK's signer and the same credentials).
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, expect, test } from "vitest";
import { SignedSsmParameterReader } from "./ssm-parameters.js";

const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "session-token",
};
const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res
      .writeHead(200, { "content-type": "application/x-amz-json-1.1" })
      .end(JSON.stringify({ Parameters: [{ Name: "/a", Value: "v" }], InvalidParameters: [] }));
  });
});
let url = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("GetParameters is one signed AWS JSON 1.1 request with the role's session token", async () => {
  const reader = new SignedSsmParameterReader({
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
    AWS_ENDPOINT_URL_SSM: url,
  });
  expect(await reader.getParameters(["/a", "/b"], true)).toEqual([{ Name: "/a", Value: "v" }]);
  expect(received).toHaveLength(1);
  const [request] = received;
  expect(JSON.parse(request!.body)).toEqual({ Names: ["/a", "/b"], WithDecryption: true });
  expect(request!.headers).toMatchObject({
    "x-amz-target": "AmazonSSM.GetParameters",
    "content-type": "application/x-amz-json-1.1",
    "x-amz-security-token": CREDENTIALS.sessionToken,
  });
  const authorization = String(request!.headers.authorization);
  expect(authorization).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ssm\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-target/,
  );

  // AWS recomputes the signature from the request it received; so does the SDK's signer here.
  const { hostname, port } = new URL(url);
  const date = String(request!.headers["x-amz-date"]);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(";");
  const expected = await new SignatureV4({ service: "ssm", region: "eu-west-1", sha256: Sha256, credentials: CREDENTIALS }).sign(
    {
      method: "POST",
      protocol: "http:",
      hostname,
      port: Number(port),
      path: request!.path,
      query: {},
      headers: Object.fromEntries(signedHeaders.map((h) => [h, String(request!.headers[h])])),
      body: request!.body,
    },
    {
      signingDate: new Date(
        `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
      ),
    },
  );
  expect(expected.headers.authorization).toBe(authorization);
});

test("without credentials in the environment nothing is sent", async () => {
  const before = received.length;
  const reader = new SignedSsmParameterReader({ AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL_SSM: url });
  await expect(reader.getParameters(["/a"], true)).rejects.toThrow(/no AWS credentials/);
  expect(received).toHaveLength(before);
});
