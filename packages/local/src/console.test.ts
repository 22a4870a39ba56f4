// The local console server: config.json names this server as the API, with the console's own headers.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { consoleApp } from "./console.js";
import { consoleSecurityHeaders, REVALIDATE } from "./console-headers.js";

const api = new Hono().all("*", (c) => c.json({ error: { code: "not_found", message: "no such route" } }, 404));

describe("local console server", () => {
  it("serves config.json with its own origin as the API URL, revalidated, with the console's security headers", async () => {
    const response = await consoleApp(api).request("http://127.0.0.1:8787/config.json");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ api_url: "http://127.0.0.1:8787" });
    expect(response.headers.get("cache-control")).toBe(REVALIDATE);
    for (const [name, value] of Object.entries(consoleSecurityHeaders())) expect(response.headers.get(name)).toBe(value);
  });

  it("names whichever origin the console was loaded from", async () => {
    const response = await consoleApp(api).request("http://localhost:4000/config.json");
    expect(await response.json()).toEqual({ api_url: "http://localhost:4000" });
  });

  it("leaves other paths outside the console to the API", async () => {
    const response = await consoleApp(api).request("http://127.0.0.1:8787/api/v1/nothing");
    expect(response.status).toBe(404);
  });
});
