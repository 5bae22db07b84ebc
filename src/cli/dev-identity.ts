/**
 * A development OpenID provider on loopback, shaped like Microsoft Entra ID's v2 endpoints, so the
 * console's "Sign in with Microsoft" works without the internet: `npm start` runs it and points
 * the Worker's MICROSOFT_AUTHORITY at it; the tests start it the same way. Each Entra tenant
 * (`tid`) is a real `oidc-provider` issuer at `<base>/<tid>/v2.0`, and `<base>/organizations/v2.0`
 * is the multi-tenant authority: its metadata names the issuer `<base>/{tenantid}/v2.0`, its
 * authorize endpoint asks for the email (home realm discovery) and hands over to the person's
 * tenant, and its token endpoint forwards to the tenant that issued the code. ID tokens carry
 * `tid`, `oid`, `preferred_username`, `email` and `name`. A deployed Worker never trusts it: only
 * the local-only SIGNIN_ALLOW_LOOPBACK_HTTP flag lets the Worker talk to an http issuer.
 */
import { createHash, generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import Provider from "oidc-provider";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "./dev-client.ts";

export interface DevAccount {
  tid: string;
  oid: string;
  email: string;
  name: string;
  /** Sent as `email_verified` when set (Entra sends none). */
  emailVerified?: boolean;
  /** The tenant whose issuer signs this person in, when it is not `tid` (a broken token, for tests). */
  issuedBy?: string;
}

export { DEV_CLIENT_ID, DEV_CLIENT_SECRET };
export const DEV_PASSWORD = "any password works";

export interface DevIdentity {
  /** The value of MICROSOFT_AUTHORITY. */
  url: string;
  addAccount(account: DevAccount): void;
  close(): Promise<void>;
}

const TID = /^[0-9a-f-]{36}$/;

/** The Entra tenant of the people `npm start`'s provider makes up on first sign-in. */
export const DEV_TID = "00000000-0000-4000-8000-00000000de70";

/** `anyEmail`: an unknown email becomes a person of DEV_TID (npm start); the tests add theirs. */
export async function startDevIdentity(port = 0, { anyEmail = false } = {}): Promise<DevIdentity> {
  const accounts = new Map<string, DevAccount>();
  const providers = new Map<string, Provider>();
  /** PKCE challenge -> the tenant the organizations endpoint handed the person to. */
  const challenges = new Map<string, string>();
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: "dev-identity", use: "sig", alg: "RS256" };
  const publicJwk = { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: jwk.kid, use: "sig", alg: "RS256" };
  let base = "";

  const providerFor = (tid: string): Provider => {
    let p = providers.get(tid);
    if (p) return p;
    p = new Provider(`${base}/${tid}/v2.0`, {
      clients: [
        {
          client_id: DEV_CLIENT_ID,
          client_secret: DEV_CLIENT_SECRET,
          redirect_uris: ["https://scim.test/signin/callback"],
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_post",
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: [randomUUID()] },
      claims: {
        openid: ["sub", "tid", "oid"],
        email: ["email", "email_verified"],
        profile: ["name", "preferred_username"],
      },
      conformIdTokenClaims: false,
      // Short-lived like Entra's are not, so a test can see one expire without waiting an hour.
      ttl: { IdToken: 300 },
      pkce: { required: () => true },
      features: { devInteractions: { enabled: true } },
      interactions: { url: (_ctx: unknown, i: { uid: string }) => `/${tid}/v2.0/interaction/${i.uid}` },
      // No consent screen: the dev provider's one app is first-party.
      loadExistingGrant: async (ctx: GrantContext) => {
        const grant = new ctx.oidc.provider.Grant({
          clientId: ctx.oidc.client.clientId,
          accountId: ctx.oidc.session.accountId,
        });
        grant.addOIDCScope("openid email profile");
        await grant.save();
        return grant;
      },
      findAccount: async (_ctx: unknown, id: string) => {
        const a = accounts.get(id.toLowerCase());
        if (!a || (a.issuedBy ?? a.tid) !== tid) return undefined;
        return {
          accountId: id,
          claims: async () => ({
            sub: `pairwise-${a.oid}`,
            tid: a.tid,
            oid: a.oid,
            email: a.email,
            ...(a.emailVerified === undefined ? {} : { email_verified: a.emailVerified }),
            name: a.name,
            preferred_username: a.email,
          }),
        };
      },
    });
    p.proxy = true;
    // Any callback of a local or test Worker: the port changes from run to run.
    p.Client.prototype.redirectUriAllowed = (uri: string) =>
      /^(https:\/\/scim\.test|http:\/\/127\.0\.0\.1:\d+)\/signin\/callback$/.test(uri);
    providers.set(tid, p);
    return p;
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(`dev identity: ${e.message}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", base);
    const [, first, second, ...rest] = url.pathname.split("/");
    if (req.method === "POST" && url.pathname === "/accounts") {
      const a = JSON.parse(await bodyOf(req)) as DevAccount;
      accounts.set(a.email.toLowerCase(), a);
      return void res.writeHead(204).end();
    }
    if (first === "organizations" && second === "v2.0") return organizations(rest.join("/"), url, req, res);
    if (first === "common" && url.pathname === "/common/discovery/v2.0/keys")
      return json(res, 200, { keys: [publicJwk] });
    if (TID.test(first ?? "") && second === "v2.0") {
      const p = providerFor(first);
      const mount = `/${first}/v2.0`;
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      req.url = (req.url ?? "").slice(mount.length) || "/";
      return p.callback()(req, res);
    }
    res.writeHead(404).end();
  }

  async function organizations(path: string, url: URL, req: IncomingMessage, res: ServerResponse) {
    if (path === ".well-known/openid-configuration")
      return json(res, 200, {
        issuer: `${base}/{tenantid}/v2.0`,
        authorization_endpoint: `${base}/organizations/v2.0/authorize`,
        token_endpoint: `${base}/organizations/v2.0/token`,
        jwks_uri: `${base}/common/discovery/v2.0/keys`,
        response_types_supported: ["code"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt"],
        scopes_supported: ["openid", "email", "profile"],
      });
    if (path === "authorize") {
      const hint = url.searchParams.get("login_hint")?.toLowerCase();
      if (hint && anyEmail && !accounts.has(hint) && /^[^\s@]+@[^\s@]+$/.test(hint))
        accounts.set(hint, { tid: DEV_TID, oid: randomUUID(), email: hint, name: hint.split("@")[0] });
      const account = hint ? accounts.get(hint) : undefined;
      if (!account) return emailForm(url, res, hint !== undefined);
      const tid = account.issuedBy ?? account.tid;
      challenges.set(url.searchParams.get("code_challenge") ?? "", tid);
      return void res.writeHead(303, { Location: `${base}/${tid}/v2.0/auth${url.search}` }).end();
    }
    if (path === "token" && req.method === "POST") {
      const body = await bodyOf(req);
      const verifier = new URLSearchParams(body).get("code_verifier") ?? "";
      const tid = challenges.get(createHash("sha256").update(verifier).digest("base64url"));
      if (!tid) return json(res, 400, { error: "invalid_grant", error_description: "PKCE verification failed" });
      const answer = await fetch(`${base}/${tid}/v2.0/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body,
      });
      res.writeHead(answer.status, { "Content-Type": answer.headers.get("Content-Type") ?? "application/json" });
      return void res.end(await answer.text());
    }
    res.writeHead(404).end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("dev identity: no port");
  base = `http://127.0.0.1:${address.port}`;
  return {
    url: base,
    addAccount: (a) => void accounts.set(a.email.toLowerCase(), a),
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

interface GrantContext {
  oidc: {
    provider: { Grant: new (init: { clientId: string; accountId: string }) => DevGrant };
    client: { clientId: string };
    session: { accountId: string };
  };
}
interface DevGrant {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}

/** Microsoft's first screen, reduced: who are you (the email picks the tenant). */
function emailForm(url: URL, res: ServerResponse, unknown: boolean) {
  const hidden = [...url.searchParams]
    .filter(([k]) => k !== "login_hint")
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join("");
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in (development provider)</title></head><body><main>` +
      `<h1>Sign in</h1>${unknown ? "<p>No account with that email.</p>" : ""}<form method="get">${hidden}` +
      `<label for="login_hint">Email</label> <input id="login_hint" name="login_hint" type="email" required> ` +
      `<button type="submit">Next</button></form></main></body></html>`,
  );
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
      if (body.length > 64 * 1024) req.destroy(new Error("body too large"));
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}
