// Reads an inventory file (YAML list of servers, or CSV with a header row) into registration rows.
import { parse as parseYaml } from "yaml";
import { REGISTRATION_FIELDS } from "./server-fields.js";

export interface InventoryRow {
  /** 1-based: the CSV line or the YAML list position, for messages. */
  line: number;
  fields: Record<string, unknown>;
  /** Problems found before any request (unknown column, no name); such a row fails without being sent. */
  problems: string[];
}

export function readInventory(fileName: string, source: string): InventoryRow[] {
  return /\.csv$/i.test(fileName) ? readCsv(source) : readYaml(source);
}

function readYaml(source: string): InventoryRow[] {
  const document = parseYaml(source) as unknown;
  const list = Array.isArray(document) ? document : (document as { servers?: unknown } | null)?.servers;
  if (!Array.isArray(list)) throw new Error("the YAML inventory must be a list of servers (or a `servers:` list)");
  return list.map((entry, index) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      return { line: index + 1, fields: {}, problems: ["is not a mapping of fields"] };
    }
    const fields = { ...(entry as Record<string, unknown>) };
    if (typeof fields.tags === "string") fields.tags = splitTags(fields.tags);
    return { line: index + 1, fields, problems: check(fields) };
  });
}

function readCsv(source: string): InventoryRow[] {
  const records = csvRecords(source);
  const header = records.shift();
  if (!header) return [];
  const columns = header.record.map((h) => h.trim());
  const unknown = columns.filter((c) => !(REGISTRATION_FIELDS as readonly string[]).includes(c));
  if (unknown.length) throw new Error(`unknown CSV column(s) ${unknown.join(", ")}; columns are ${REGISTRATION_FIELDS.join(", ")}`);
  return records
    .filter((r) => r.record.some((value) => value.trim() !== ""))
    .map(({ line, record }) => {
      const fields: Record<string, unknown> = {};
      const problems: string[] = [];
      columns.forEach((column, i) => {
        const value = (record[i] ?? "").trim();
        if (value === "") return;
        if (column === "tags") fields.tags = splitTags(value);
        else if (column === "metadata") {
          try {
            fields.metadata = JSON.parse(value);
          } catch {
            problems.push("metadata is not JSON");
          }
        } else fields[column] = value;
      });
      if (record.length > columns.length) problems.push(`has ${record.length} cells for ${columns.length} columns`);
      return { line, fields, problems: [...problems, ...check(fields)] };
    });
}

const splitTags = (value: string) =>
  value
    .split(";")
    .map((t) => t.trim())
    .filter(Boolean);

function check(fields: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof fields.name !== "string" || !fields.name.trim()) problems.push("has no name");
  const unknown = Object.keys(fields).filter((f) => !(REGISTRATION_FIELDS as readonly string[]).includes(f));
  if (unknown.length) problems.push(`has unknown field(s) ${unknown.join(", ")}`);
  return problems;
}

/** RFC 4180 records: quoted cells may hold commas, quotes ("") and newlines. */
export function csvRecords(source: string): { line: number; record: string[] }[] {
  const records: { line: number; record: string[] }[] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const text = source.replace(/^\uFEFF/, "");
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(cell);
      records.push({ line: recordLine, record });
      record = [];
      cell = "";
      line++;
      recordLine = line;
    } else cell += ch;
  }
  if (cell !== "" || record.length) {
    record.push(cell);
    records.push({ line: recordLine, record });
  }
  return records;
}
