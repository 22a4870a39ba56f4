// Inventory files: CSV cells with quotes and newlines, tags split on ';', problems kept per row.
import { describe, expect, test } from "vitest";
import { csvRecords, readInventory } from "./inventory.js";

describe("readInventory", () => {
  test("a CSV row becomes registration fields: tags split on ';', metadata parsed, empty cells absent", () => {
    const rows = readInventory(
      "fleet.csv",
      'name,hostname,api_url,api_token,region,tags,metadata,description\nweb-1,web-1.example.com,https://web-1.example.com,tok,,web; eu ,"{""rack"": ""b2""}","line one, still one"\n\n',
    );
    expect(rows).toEqual([
      {
        line: 2,
        fields: {
          name: "web-1",
          hostname: "web-1.example.com",
          api_url: "https://web-1.example.com",
          api_token: "tok",
          tags: ["web", "eu"],
          metadata: { rack: "b2" },
          description: "line one, still one",
        },
        problems: [],
      },
    ]);
  });

  test("an unknown CSV column is refused before anything is sent", () => {
    expect(() => readInventory("fleet.csv", "name,colour\nweb-1,red\n")).toThrow(/unknown CSV column\(s\) colour/);
  });

  test("YAML takes a list or a `servers:` list; a row without a name or with unknown fields carries its problems", () => {
    const rows = readInventory("fleet.yaml", "servers:\n  - name: web-1\n    tags: [web]\n  - hostname: h\n    colour: red\n");
    expect(rows[0]).toEqual({ line: 1, fields: { name: "web-1", tags: ["web"] }, problems: [] });
    expect(rows[1]!.problems).toEqual(["has no name", "has unknown field(s) colour"]);
    expect(() => readInventory("fleet.yaml", "name: web-1\n")).toThrow(/must be a list/);
  });
});

test("csvRecords keeps quoted newlines and doubled quotes inside one cell and numbers records by their first line", () => {
  expect(csvRecords('a,b\r\n"x\ny","say ""hi"""\nlast,\n')).toEqual([
    { line: 1, record: ["a", "b"] },
    { line: 2, record: ["x\ny", 'say "hi"'] },
    { line: 4, record: ["last", ""] },
  ]);
});
