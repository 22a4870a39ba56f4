// The console's shell: hash routes → views, the sign-in gate, sign-out, and what a 401 does.
import { createClient } from "./api.js";
import { clearSession, loadSession } from "./session.js";
import { h } from "./ui/dom.js";
import { errorNotice, UNAUTHORIZED_EVENT } from "./ui/notice.js";
import * as signIn from "./views/sign-in.js";
import * as overview from "./views/overview.js";
import * as serverList from "./views/server-list.js";
import * as serverRegister from "./views/server-register.js";
import * as serverDetail from "./views/server-detail.js";
import * as groupList from "./views/group-list.js";
import * as groupDetail from "./views/group-detail.js";
import * as operationList from "./views/operation-list.js";
import * as operationStart from "./views/operation-start.js";
import * as operationDetail from "./views/operation-detail.js";
import * as alertList from "./views/alert-list.js";

/** @import { Session, ViewContext } from "./api-types.js" */
/** @typedef {{ render(root: HTMLElement, ctx: ViewContext): Promise<void> }} View */

/**
 * [pattern, view, nav section]; the first match wins, so "/servers/new" precedes "/servers/{id}".
 * @type {[RegExp, View, string | null][]}
 */
const ROUTES = [
  [/^\/sign-in$/, signIn, null],
  [/^\/overview$/, overview, "overview"],
  [/^\/servers$/, serverList, "servers"],
  [/^\/servers\/new$/, serverRegister, "servers"],
  [/^\/servers\/([^/]+)$/, serverDetail, "servers"],
  [/^\/groups$/, groupList, "groups"],
  [/^\/groups\/([^/]+)$/, groupDetail, "groups"],
  [/^\/operations$/, operationList, "operations"],
  [/^\/operations\/new$/, operationStart, "operations"],
  [/^\/operations\/([^/]+)$/, operationDetail, "operations"],
  [/^\/alerts$/, alertList, "alerts"],
];

const view = /** @type {HTMLElement} */ (document.getElementById("view"));
let current = new AbortController();

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/overview";
  const [path, search = ""] = raw.split("?");
  return { path, query: new URLSearchParams(search) };
}

/** @param {string} route */
export function navigate(route) {
  if (location.hash === `#${route}`) render();
  else location.hash = route;
}

/** @param {string} [message] */
function signInRoute(message) {
  const next = location.hash && !location.hash.startsWith("#/sign-in") ? location.hash.slice(1) : "";
  const query = new URLSearchParams();
  if (next) query.set("next", next);
  if (message) query.set("reason", message);
  return `/sign-in${query.size ? `?${query}` : ""}`;
}

/**
 * @param {Session | null} session
 * @param {string | null} section
 */
function updateShell(session, section) {
  const nav = /** @type {HTMLElement} */ (document.querySelector(".nav"));
  const info = /** @type {HTMLElement} */ (document.querySelector(".session"));
  nav.hidden = !session;
  info.hidden = !session;
  if (session) {
    const host = new URL(session.baseUrl).host;
    /** @type {HTMLElement} */ (info.querySelector(".session-info")).textContent = `${host} · ${session.role}`;
  }
  for (const a of nav.querySelectorAll("a")) {
    if (a.dataset.section === section) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

async function render() {
  current.abort();
  current = new AbortController();
  const { path, query } = parseHash();
  const match = ROUTES.map(([pattern, module, section]) => ({ found: pattern.exec(path), module, section })).find((r) => r.found);
  const session = loadSession();
  if (!match) return navigate(session ? "/overview" : "/sign-in");
  if (!session && match.module !== signIn) return navigate(signInRoute());
  if (session && match.module === signIn && !query.has("reason")) return navigate("/overview");

  updateShell(session, match.section);
  const container = h("div", { class: "page" });
  view.replaceChildren(container);
  // The sign-in view is the only one drawn without a session, and it uses neither the API nor the session.
  const ctx = /** @type {ViewContext} */ ({
    api: session ? createClient(session) : null,
    session,
    params: (match.found ?? []).slice(1).map(decodeURIComponent),
    query,
    signal: current.signal,
    navigate,
  });
  try {
    await match.module.render(container, ctx);
  } catch (error) {
    if (!ctx.signal.aborted) container.append(errorNotice(error));
  }
  const heading = container.querySelector("h1");
  if (heading) {
    document.title = `${heading.textContent} · Fleetplane`;
    heading.tabIndex = -1;
    if (!ctx.signal.aborted && document.activeElement === document.body) heading.focus({ preventScroll: true });
  }
}

window.addEventListener(UNAUTHORIZED_EVENT, () => {
  if (!loadSession()) return;
  clearSession();
  navigate(signInRoute("Your key was not accepted (401): it may have been revoked. Sign in again."));
});

document.getElementById("sign-out")?.addEventListener("click", () => {
  clearSession();
  navigate("/sign-in");
});

window.addEventListener("hashchange", render);
render();
