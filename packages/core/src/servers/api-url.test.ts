import { describe, expect, test } from "vitest";
import { ValidationFailed } from "../errors.js";
import { checkApiUrl } from "./api-url.js";

describe("agent URL policy", () => {
  test("development accepts http and https, and drops a trailing slash", () => {
    expect(checkApiUrl("http://127.0.0.1:9000/agents/1/", "development")).toBe("http://127.0.0.1:9000/agents/1");
    expect(checkApiUrl("https://a.example.com", "development")).toBe("https://a.example.com");
  });

  test.each(["ftp://a.example.com", "not a url", "file:///etc/passwd", "https://user:pw@a.example.com"])(
    "refuses %s in any mode",
    (url) => {
      expect(() => checkApiUrl(url, "development")).toThrow(ValidationFailed);
    },
  );

  test.each([
    "http://a.example.com",
    "https://169.254.169.254/latest/meta-data",
    "https://[fd00:ec2::254]/",
    "https://[fe80::1]/",
    "https://instance-data/",
    "https://instance-data.ec2.internal./",
    "https://[::ffff:169.254.169.254]/",
    "https://[::ffff:a9fe:a9fe]/",
    "https://[64:ff9b::169.254.169.254]/",
    "https://[2002:a9fe:a9fe::1]/",
    "https://127.0.0.1/",
    "https://[::1]/",
    "https://0.0.0.0/",
  ])("production refuses %s", (url) => {
    expect(() => checkApiUrl(url, "production")).toThrow(ValidationFailed);
  });
});
