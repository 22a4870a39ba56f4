// Register a server (admin): the API validates; its per-field errors are shown beside each field.
import { h, link, segment } from "../ui/dom.js";
import { clearErrors, field, list, optional, showErrors } from "../ui/form.js";

/**
 * @param {HTMLElement} root
 * @param {import("../api-types.js").ViewContext} ctx
 */
export async function render(root, ctx) {
  /** @type {(name: string, attrs?: Record<string, unknown>) => HTMLInputElement} */
  const input = (name, attrs = {}) => h("input", { name, spellcheck: "false", ...attrs });
  const submit = h("button", { type: "submit", class: "button primary" }, "Register server");
  const form = h(
    "form",
    { class: "card form", novalidate: true, "aria-labelledby": "register-title" },
    h(
      "div",
      { class: "form-grid" },
      field(
        "Name",
        input("name", { required: true, autocomplete: "off" }),
        "Unique in your organization: letters, digits, '.', '-' and '_'.",
      ),
      field("Hostname", input("hostname", { required: true, autocomplete: "off" })),
      field(
        "Agent URL (api_url)",
        input("api_url", { type: "url", required: true, placeholder: "https://server.example.com" }),
        "Where the control plane calls the server's agent.",
      ),
      field(
        "Agent token (api_token)",
        input("api_token", { type: "password", required: true, autocomplete: "new-password" }),
        "Stored encrypted; never shown again.",
      ),
      field("Region", input("region", { placeholder: "us-east-1" })),
      field("Environment", input("environment", { placeholder: "production" })),
      field("Version", input("version")),
      field("Tags", input("tags", { placeholder: "web, critical" }), "Separated by commas or spaces."),
    ),
    field("Description", h("textarea", { name: "description", rows: 2 })),
    h("div", { class: "form-status", "aria-live": "polite" }),
    h("div", { class: "actions" }, submit, link("/servers", "Cancel")),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = new FormData(form);
    const body = {
      name: String(data.get("name") ?? "").trim(),
      hostname: String(data.get("hostname") ?? "").trim(),
      api_url: String(data.get("api_url") ?? "").trim(),
      api_token: String(data.get("api_token") ?? ""),
      region: optional(data.get("region")),
      environment: optional(data.get("environment")),
      version: optional(data.get("version")),
      description: optional(data.get("description")),
      tags: list(data.get("tags")),
    };
    submit.disabled = true;
    try {
      const server = await ctx.api.post("/servers", body);
      ctx.navigate(`/servers/${segment(server.id)}?registered=1`);
    } catch (error) {
      showErrors(form, error);
    } finally {
      submit.disabled = false;
    }
  });

  root.append(h("div", { class: "page-head" }, h("h1", { id: "register-title" }, "Register a server")), form);
  if (ctx.session.role !== "admin")
    root.insertBefore(
      h("p", { class: "notice forbidden" }, "Registering servers needs an admin key; the API will refuse it for this key."),
      form,
    );
}
