// Tests of component checks against real local listeners, and of how their results make the overall status.
import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ComponentCheck } from "./component-check.js";
import { buildHealthReport } from "./health-report.js";
import { httpCheck } from "./http-check.js";
import { redisCheck } from "./redis-check.js";
import { tcpCheck } from "./tcp-check.js";

// A minimal Redis: answers +OK to AUTH and +PONG to PING, as RESP arrays arrive.
const redis = createServer((socket) => {
  socket.on("data", (chunk) => {
    const text = chunk.toString();
    if (text.includes("AUTH")) socket.write(text.includes("secret") ? "+OK\r\n" : "-WRONGPASS invalid password\r\n");
    if (text.includes("PING")) socket.write("+PONG\r\n");
  });
});
const web = createHttpServer((req, res) => {
  res.statusCode = req.url === "/ok" ? 200 : 500;
  res.end();
});
let redisPort = 0;
let webUrl = "";

beforeAll(async () => {
  await new Promise<void>((r) => redis.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
  redisPort = (redis.address() as AddressInfo).port;
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});
afterAll(() => {
  redis.close();
  web.close();
});

describe("health report", () => {
  it("marks redis healthy on PONG and unhealthy on a refused AUTH", async () => {
    const report = await buildHealthReport(
      [
        redisCheck("127.0.0.1", redisPort, "secret", false),
        { ...redisCheck("127.0.0.1", redisPort, "wrong", false), name: "redis_bad_auth" },
      ],
      1000,
      "test",
    );
    expect(report.components.redis!.healthy).toBe(true);
    expect(report.components.redis_bad_auth).toMatchObject({ healthy: false, error: expect.stringMatching(/WRONGPASS/) });
  });

  it("is critical when a critical component fails, degraded when only others fail, healthy otherwise", async () => {
    const db = tcpCheck("database", "127.0.0.1", redisPort, true);
    const deadDb = tcpCheck("database", "127.0.0.1", 1, true);
    const page = httpCheck("app", `${webUrl}/ok`, 200, false);
    const brokenPage = httpCheck("app", `${webUrl}/broken`, 200, false);
    const status = async (checks: ComponentCheck[]) => (await buildHealthReport(checks, 1000, "test")).status;
    expect(await status([db, page])).toBe("healthy");
    expect(await status([db, brokenPage])).toBe("degraded");
    expect(await status([deadDb, page])).toBe("critical");
  });

  it("abandons a check that ignores its abort signal once the deadline passes", async () => {
    const stuck: ComponentCheck = { name: "stuck", critical: false, run: () => new Promise(() => {}) };
    const started = performance.now();
    const report = await buildHealthReport([stuck], 200, "test");
    expect(performance.now() - started).toBeLessThan(1000);
    expect(report.components.stuck).toMatchObject({ healthy: false, error: "no answer within 200 ms" });
  });
});
