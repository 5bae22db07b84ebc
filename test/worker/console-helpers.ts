import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { ORIGIN, issueToken } from "./helpers";

let client = 0;

export interface ConsoleSession {
  cookie: string;
  csrf: string;
}

/**
 * A signed-in console of one tenant: `session()` signs in with a fresh admin token (from its own
 * client address, so the sign-in throttle of one test never slows another) and reads the CSRF
 * token from the Overview; `post` sends a form with (or without) it; `get` opens a page.
 */
export function consoleSession(tenant: string) {
  const base = `${ORIGIN}/t/${tenant}/admin`;
  return {
    base,
    async session(): Promise<ConsoleSession> {
      const admin = await issueToken(tenant, "admin");
      const res = await SELF.fetch(`${base}/sign-in`, {
        method: "POST",
        redirect: "manual",
        headers: {
          Origin: ORIGIN,
          "Content-Type": "application/x-www-form-urlencoded",
          "CF-Connecting-IP": `203.0.113.${++client % 250}`,
        },
        body: new URLSearchParams({ token: admin.token }),
      });
      expect(res.status).toBe(303);
      const cookie = res.headers.get("Set-Cookie")!.split(";")[0];
      const page = await SELF.fetch(`${base}/`, { headers: { Cookie: cookie } });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
      expect(csrf).not.toBe("");
      return { cookie, csrf };
    },
    post: (s: ConsoleSession, path: string, form: Record<string, string> = {}, withCsrf = true) =>
      SELF.fetch(`${base}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: s.cookie, Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(withCsrf ? { _csrf: s.csrf, ...form } : form),
      }),
    get: (s: ConsoleSession, path: string) => SELF.fetch(`${base}${path}`, { headers: { Cookie: s.cookie } }),
  };
}

/** A page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
export const text = async (res: Response) =>
  (await res.text())
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
