import { SELF } from "cloudflare:test";
import { inject } from "vitest";
import { ORIGIN, issueToken } from "./helpers";

declare module "vitest" {
  export interface ProvidedContext {
    /** Set by test/blackbox/identity-server.ts (globalSetup). */
    identityUrl: string;
  }
}

/** The development OpenID provider (src/cli/dev-identity.ts), started by the workers project's globalSetup. */
export const identityUrl = () => inject("identityUrl");

export interface Person {
  tid: string;
  oid: string;
  email: string;
  name: string;
  emailVerified?: boolean;
  issuedBy?: string;
}

let n = 0;
/** A new person in Entra tenant `tid` of the dev provider. */
export async function newPerson(tid: string, over: Partial<Person> = {}): Promise<Person> {
  const id = `${Date.now().toString(36)}${(n++).toString(36)}`;
  const person: Person = {
    tid,
    oid: crypto.randomUUID(),
    email: `p-${id}@contoso.example`,
    name: `Person ${id}`,
    ...over,
  };
  const res = await fetch(`${identityUrl()}/accounts`, { method: "POST", body: JSON.stringify(person) });
  if (res.status !== 204) throw new Error(`account not added: ${res.status}`);
  return person;
}

export const newTid = () => crypto.randomUUID();

/** A tiny cookie jar: name=value per origin, enough for the provider's and the console's cookies. */
class Jar {
  private cookies = new Map<string, Map<string, string>>();
  take(url: string, res: Response) {
    const origin = new URL(url).origin;
    const jar = this.cookies.get(origin) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair.indexOf("=");
      const value = pair.slice(i + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === "") jar.delete(pair.slice(0, i));
      else jar.set(pair.slice(0, i), value);
    }
    this.cookies.set(origin, jar);
  }
  header(url: string) {
    const jar = this.cookies.get(new URL(url).origin);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
  }
  get(url: string, name: string) {
    return this.cookies.get(new URL(url).origin)?.get(name);
  }
}

const worker = (url: string) => url.startsWith(ORIGIN);

/** One request, to the Worker (SELF) or to the dev provider (network), with the jar's cookies. */
async function go(jar: Jar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set("Cookie", cookie);
  const res = await (worker(url)
    ? SELF.fetch(url, { ...init, headers, redirect: "manual" })
    : fetch(url, { ...init, headers, redirect: "manual" }));
  jar.take(url, res);
  return res;
}

export interface SignInRun {
  jar: Jar;
  /** The provider's redirect back to the Worker (the callback URL, with code and state). */
  callback: string;
  /** The Worker's answer to it. */
  answer?: Response;
}

/**
 * Starts a sign-in at the console (optionally through a setup link) and signs `person` in at the
 * dev provider's forms, up to the provider's redirect back; `finish` then sends the callback.
 */
export async function signInAtProvider(
  tenant: string,
  person: Person,
  link?: string,
  jar = new Jar(),
  provider = "microsoft",
): Promise<SignInRun> {
  const form = new URLSearchParams({ provider, ...(link ? { link } : {}) });
  let res = await go(jar, `${ORIGIN}/t/${tenant}/admin/sign-in/start`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
    body: form,
  });
  const html = await res.text();
  const to = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(html)?.[1];
  if (res.status !== 200 || !to) throw new Error(`start: ${res.status} ${html.slice(0, 300)}`);
  const url = new URL(to.replace(/&amp;/g, "&"));
  // The email screen of the organizations endpoint, answered.
  url.searchParams.set("login_hint", person.email);
  let next = url.href;
  for (let hop = 0; hop < 12; hop++) {
    res = await go(jar, next);
    if (res.status === 303 || res.status === 302) {
      const to = new URL(res.headers.get("Location")!, next).href;
      if (worker(to)) return { jar, callback: to };
      next = to;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action) throw new Error(`provider: ${res.status} ${html.slice(0, 500)}`);
    const target = new URL(action.replace(/&amp;/g, "&"), next).href;
    res = await go(jar, target, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ prompt: "login", login: person.email, password: "any" }),
    });
    if (res.status !== 303 && res.status !== 302) throw new Error(`login: ${res.status} ${await res.text()}`);
    next = new URL(res.headers.get("Location")!, target).href;
  }
  throw new Error("too many hops at the provider");
}

export async function finish(run: SignInRun, callback = run.callback): Promise<Response> {
  run.answer = await go(run.jar, callback);
  return run.answer;
}

/** The console session cookie a finished sign-in set, as a Cookie header. */
export const sessionOf = (run: SignInRun, tenant: string) => {
  const v = run.jar.get(ORIGIN, `__Host-console-${tenant}`);
  return v ? `__Host-console-${tenant}=${v}` : undefined;
};

/** A setup link issued through the admin API with a fresh write key. */
export async function setupLink(
  tenant: string,
  body: Record<string, unknown>,
): Promise<{ url: string; secret: string; id: string }> {
  const admin = await issueToken(tenant, "admin");
  const res = await SELF.fetch(`${ORIGIN}/t/${tenant}/admin/api/setup-links`, {
    method: "POST",
    headers: { Authorization: `Bearer ${admin.token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`setup link: ${res.status} ${await res.text()}`);
  const link = (await res.json()) as { url: string; id: string };
  return { ...link, secret: new URL(link.url).searchParams.get("link")! };
}

/** Setup link -> provider -> callback: the person is now an admin with `role`; returns their session cookie. */
export async function becomeAdmin(tenant: string, person: Person, role = "owner"): Promise<string> {
  const link = await setupLink(tenant, { role });
  const run = await signInAtProvider(tenant, person, link.secret);
  const res = await finish(run);
  if (res.status !== 200) throw new Error(`callback: ${res.status} ${res.headers.get("Location")}`);
  const cookie = sessionOf(run, tenant);
  if (!cookie) throw new Error("no session");
  return cookie;
}
