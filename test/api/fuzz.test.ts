// Property-based: every operation of the OpenAPI document, sent generated and mutated paths, query strings and
// bodies, answers below 500 in the error envelope, and a 4xx changes nothing. FLEETPLANE_FUZZ_RUNS sets the
// number of cases (a bounded default keeps `npm test` fast).
import fc from "fast-check";
import { afterAll, beforeAll, expect, test } from "vitest";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";

const RUNS = Number(process.env.FLEETPLANE_FUZZ_RUNS ?? 60);

interface Operation {
  method: string;
  path: string;
  params: Array<{ name: string; in: "path" | "query" }>;
  bodySchema?: Schema;
}
interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}

let fleet: TestFleet;
let operations: Operation[];
let components: Record<string, Schema>;
const ids: string[] = [];

beforeAll(async () => {
  fleet = await startTestFleet();
  // Agents at a closed local port: a generated health check or operation fails fast and never leaves the machine.
  for (let i = 0; i < 3; i++) {
    const server = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ api_url: "http://127.0.0.1:9" }) });
    ids.push(server.body.id);
  }
  ids.push((await fleet.request("POST", `${FLEET}/groups`, { body: { name: "fuzz", server_ids: [ids[0]] } })).body.id);
  const doc = (await fleet.request("GET", "/api/v1/openapi.json")).body;
  components = doc.components.schemas;
  operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, byMethod]) =>
    Object.entries(byMethod)
      // A stream never ends; its reads are covered by the list it streams.
      .filter(([, op]) => !Object.keys(op.responses?.["200"]?.content ?? {}).includes("text/event-stream"))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).filter((p: { in: string }) => p.in === "path" || p.in === "query"),
        bodySchema: op.requestBody?.content?.["application/json"]?.schema,
      })),
  );
  expect(operations.length).toBeGreaterThan(30);
});
afterAll(() => fleet.close());

const nested = (depth: number) => `${"[".repeat(depth)}0${"]".repeat(depth)}`;
/** Raw JSON fragments JSON.stringify would not produce: spliced into bodies as text. */
const RAW = ["1e999", "-1e999", "1e-400", "1e200", nested(40), nested(5_000), '{"__proto__":{"a":1}}', '{"constructor":1}', '"\\ud800"'];

const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "\ud800", "x\udfffy", "\u202egnp.exe", "a".repeat(2_000), "é".repeat(600), "../..", "%", "%ED%A0%80"),
  fc.constantFrom("1e999", "-1", "0", "NaN", "true", "null", "[]", "{}", "50%", "101%", "2026-13-45T99:99:99Z"),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e125, -1e-129),
  fc.constantFrom(...RAW.map((raw) => ({ raw }))),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 4 }),
);

interface Pick {
  int(min: number, max: number): number;
  bool(): boolean;
}

/** A small seeded generator (mulberry32), so a failing case replays from fast-check's seed. */
function picker(seed: number): Pick {
  let t = seed >>> 0;
  const next = () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (min, max) => min + Math.floor(next() * (max - min + 1)), bool: () => next() < 0.5 };
}

function resolve(schema: Schema | undefined): Schema | undefined {
  if (schema?.$ref) return resolve(components[schema.$ref.split("/").pop()!]);
  return schema?.anyOf?.[0] ?? schema?.oneOf?.[0] ? resolve(schema.anyOf?.[0] ?? schema.oneOf?.[0]) : schema;
}

/** A value that fits the schema's shape, so a generated body gets past the first check and exercises the deeper ones. */
function plausible(schema: Schema | undefined, random: Pick): unknown {
  const s = resolve(schema);
  if (!s) return {};
  if (s.enum) return s.enum[random.int(0, s.enum.length - 1)];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === "object" || s.properties) {
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, plausible(v, random)]));
  }
  if (type === "array") return random.bool() ? [ids[random.int(0, 2)]] : [plausible(s.items, random)];
  if (type === "number" || type === "integer") return random.int(0, 10);
  if (type === "boolean") return random.bool();
  return random.bool() ? `fuzz-${random.int(0, 1e6)}` : "http://127.0.0.1:9";
}

interface Case {
  operation: number;
  pathValues: Array<{ real: number } | { text: string }>;
  query: Array<[string | number, string]>;
  body: { kind: "plausible"; mutations: Array<[number, unknown]> } | { kind: "raw"; value: unknown } | { kind: "absent" };
  contentType: string;
}

const caseArbitrary: fc.Arbitrary<Case> = fc.record({
  operation: fc.nat(),
  pathValues: fc.array(fc.oneof(fc.record({ real: fc.nat(3) }), fc.record({ text: hostileString })), { minLength: 2, maxLength: 2 }),
  query: fc.array(fc.tuple(fc.oneof(fc.nat(), hostileString), hostileString), { maxLength: 4 }),
  body: fc.oneof(
    fc.record({ kind: fc.constant("plausible" as const), mutations: fc.array(fc.tuple(fc.nat(), hostileValue), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant("raw" as const), value: hostileValue }),
    fc.record({ kind: fc.constant("absent" as const) }),
  ),
  contentType: fc.constantFrom("application/json", "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded"),
});

/** Percent-encodes any string, lone surrogates included (as their WTF-8 bytes), so the server sees exactly them. */
function encode(text: string): string {
  return [...text].map((ch) => {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff) return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
    return encodeURIComponent(ch);
  }).join("");
}

/** JSON text of a generated value: `{raw}` markers become their raw fragment. */
function bodyText(value: unknown): string {
  const fragments: string[] = [];
  const text = JSON.stringify(value, (_, v) => (v && typeof v === "object" && "raw" in v && Object.keys(v).length === 1 ? `\u0001${fragments.push(v.raw) - 1}\u0001` : v));
  return (text ?? "null").replace(/"\\u0001(\d+)\\u0001"/g, (_, i) => fragments[Number(i)]!);
}

function build(c: Case, random: Pick) {
  const op = operations[c.operation % operations.length]!;
  let p = 0;
  const path = op.path.replace(/\{[^}]+\}/g, () => {
    const v = c.pathValues[p++ % c.pathValues.length]!;
    return "real" in v ? (ids[v.real] ?? ids[0]!) : encode(v.text);
  });
  const queryNames = op.params.filter((x) => x.in === "query").map((x) => x.name);
  const query = c.query
    .map(([name, value]) => `${encode(typeof name === "number" ? (queryNames[name % Math.max(queryNames.length, 1)] ?? "x") : name)}=${encode(value)}`)
    .join("&");
  let body: string | undefined;
  if (op.method === "GET" || op.method === "HEAD") body = undefined;
  else if (c.body.kind === "raw") body = bodyText(c.body.value);
  else if (c.body.kind === "plausible" && op.bodySchema) {
    const value = plausible(op.bodySchema, random) as Record<string, unknown>;
    const keys = Object.keys(value);
    for (const [k, v] of c.body.mutations) if (keys.length) value[keys[k % keys.length]!] = v;
    body = bodyText(value);
  }
  return { method: op.method, url: `${path}${query ? `?${query}` : ""}`, body };
}

/** What a 4xx must leave alone: the servers, their counts, the groups and their members, the keys. */
async function state() {
  const [summary, servers, groups, keys] = await Promise.all([
    fleet.request("GET", `${FLEET}/summary`),
    fleet.request("GET", `${FLEET}/servers?limit=500`),
    fleet.request("GET", `${FLEET}/groups`),
    fleet.request("GET", `${FLEET}/api-keys`),
  ]);
  return JSON.stringify({
    total: summary.body.total_servers,
    by_status: summary.body.by_status,
    servers: servers.body.items.map((s: any) => [s.id, s.name, s.status, s.tags, s.metadata, s.region, s.environment, s.api_url]),
    groups: (groups.body.items ?? groups.body).map((g: any) => [g.id, g.name, g.server_ids, g.tags]),
    keys: (keys.body.items ?? keys.body).map((k: any) => k.id),
  });
}

test(`${RUNS} generated requests over every operation answer below 500 in the error envelope, and a 4xx changes nothing`, async () => {
  let before = await state();
  await fc.assert(
    fc.asyncProperty(caseArbitrary, fc.nat(), async (c, seed) => {
      const request = build(c, picker(seed));
      const headers: Record<string, string> = { "content-type": c.contentType };
      const res = await fleet.request(request.method, request.url, {
        rawBody: request.body,
        headers: request.body === undefined ? {} : headers,
      });
      const where = `${request.method} ${request.url.slice(0, 200)} ${String(request.body).slice(0, 200)}`;
      expect(res.status, where).toBeLessThan(500);
      if (res.status >= 400) {
        expect(typeof res.body?.error?.code, where).toBe("string");
        expect(typeof res.body?.error?.message, where).toBe("string");
        const after = await state();
        expect(after, where).toBe(before);
      } else before = await state();
    }),
    { numRuns: RUNS, interruptAfterTimeLimit: 150_000 },
  );
}, 200_000);
