// A dependency-free API reference page rendered in the browser from /api/v1/openapi.json.
import { createHash } from "node:crypto";

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code,pre{font-family:ui-monospace,monospace}pre{background:#f4f5f7;padding:.75rem;overflow:auto}
.op{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:4.5rem;font-weight:600}`;

const SCRIPT = `
fetch('/api/v1/openapi.json').then(r=>r.json()).then(doc=>{
  const ops=document.getElementById('ops');ops.textContent='';
  for(const [path,item] of Object.entries(doc.paths)){for(const [method,op] of Object.entries(item)){
    const div=document.createElement('div');div.className='op';
    const head=document.createElement('div');
    const m=document.createElement('span');m.className='m';m.textContent=method.toUpperCase();
    const p=document.createElement('code');p.textContent=path;
    head.append(m,p,' — '+(op.summary||''));div.append(head);ops.append(div);}}
});
`;

const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** A strict policy that allows exactly this page's own script and style, and fetches from its own origin. */
export const API_DOCS_CSP = `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; connect-src 'self'; frame-ancestors 'none'`;

export function apiDocsPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fleetplane API</title>
<style>${STYLE}</style></head>
<body><h1>Fleetplane API</h1><p>Every request carries <code>Authorization: Bearer &lt;key&gt;</code>. The machine-readable
document is <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p><div id="ops">Loading…</div>
<script>${SCRIPT}</script></body></html>`;
}
