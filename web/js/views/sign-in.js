// Sign-in: the API base URL (default: this origin) and an API key, checked against the API before they are kept.
import { ApiError, createClient, probeRole } from "../api.js";
import { normalizeBaseUrl, saveSession } from "../session.js";
import { h } from "../ui/dom.js";
import { field } from "../ui/form.js";
import { describeError } from "../ui/notice.js";

/**
 * @param {HTMLElement} root
 * @param {Pick<import("../api-types.js").ViewContext, "query" | "navigate">} ctx
 */
export async function render(root, ctx) {
  const status = h("div", { class: "form-status", "aria-live": "polite" });
  if (ctx.query.get("reason")) status.append(h("div", { class: "notice error", role: "alert" }, ctx.query.get("reason")));

  const baseUrl = h("input", {
    name: "base_url",
    type: "url",
    inputmode: "url",
    autocomplete: "url",
    placeholder: location.origin,
    spellcheck: "false",
  });
  const key = h("input", { name: "key", type: "password", autocomplete: "current-password", required: true, spellcheck: "false" });
  const submit = h("button", { type: "submit", class: "button primary" }, "Sign in");

  const form = h(
    "form",
    { class: "card sign-in", novalidate: true, "aria-labelledby": "sign-in-title" },
    h("h1", { id: "sign-in-title" }, "Sign in to Fleetplane"),
    h(
      "p",
      { class: "lede" },
      "Use an API key of your organization. It stays in this browser tab only and is forgotten when the tab closes.",
    ),
    field("API base URL", baseUrl, "Leave empty when the API is served from this address (npm start). In AWS, the API Gateway URL."),
    field("API key", key),
    status,
    h("div", { class: "actions" }, submit),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    let base;
    try {
      base = normalizeBaseUrl(baseUrl.value);
    } catch (error) {
      status.append(h("div", { class: "notice error", role: "alert" }, describeError(error)));
      return;
    }
    if (!key.value.trim()) {
      status.append(h("div", { class: "notice error", role: "alert" }, "Enter an API key."));
      key.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Signing in…";
    try {
      const client = createClient({ baseUrl: base, key: key.value.trim() });
      await client.get("/summary");
      const role = await probeRole(client);
      saveSession({ baseUrl: base, key: key.value.trim(), role });
      const next = ctx.query.get("next");
      ctx.navigate(next && next.startsWith("/") && !next.startsWith("/sign-in") ? next : "/overview");
    } catch (error) {
      const message =
        error instanceof ApiError && error.status === 401
          ? "That key was not accepted (401). Check it and try again."
          : describeError(error);
      status.append(h("div", { class: "notice error", role: "alert" }, message));
      key.select();
    } finally {
      submit.disabled = false;
      submit.textContent = "Sign in";
    }
  });

  root.append(h("section", { class: "sign-in-wrap" }, form));
  key.focus();
}
