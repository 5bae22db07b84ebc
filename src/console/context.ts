import type { Context } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import type { AppBindings } from "../platform/env";
import type { Ui } from "./ui";

export interface ConsoleBindings {
  Bindings: AppBindings["Bindings"];
  /** The gate's variables (t, gate, baseUrl) come from Hono's ContextVariableMap (http/tenant.ts). */
  Variables: { ui: Ui };
}
export type ConsoleContext = Context<ConsoleBindings>;

/** A whole page: never cached (it shows a tenant's data), always HTML5. */
export async function render(
  c: Context,
  node: HtmlEscapedString | Promise<HtmlEscapedString> | object,
  status = 200,
): Promise<Response> {
  const body = await (node as { toString(): string | Promise<string> }).toString();
  c.header("Cache-Control", "no-store");
  return c.html(`<!doctype html>${body}`, status as 200);
}

/** A form's fields as strings (a file or a repeated field counts as its first value). */
export async function formOf(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
}

/** Every value of a repeated form field (checkbox lists). */
export async function formValues(c: Context, name: string): Promise<string[]> {
  const body = await c.req.parseBody({ all: true });
  const v = body[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");
}
