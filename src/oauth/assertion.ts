import { OAuthError } from "./errors";
import { keysFor } from "./jwks";
import { type DecodedJwt, decodeJwt, isAcceptedAlg, keyFits, verifyJwtSignature } from "./jwt";

/** RFC 7523 §3 items 4-5: clocks differ a little between Entra and the edge. */
export const CLOCK_SKEW_SECONDS = 60;
/** Assertions living longer than this are refused: their `jti` would be remembered too long. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 24 * 3600;
const MAX_CLAIM_CHARS = 512;

/** A tenant's trust in one workload identity (a row of oauth_federations). */
export interface Federation {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audience: string;
  jwksUrl: string;
}

export interface VerifiedAssertion {
  federation: Federation;
  jti: string;
  /** Seconds since the epoch, from `exp`. */
  expires: number;
}

/** Every assertion problem is invalid_client (RFC 7521 §4.2.1); the reason goes to the audit log. */
const refuse = (reason: string) =>
  new OAuthError("invalid_client", "The client assertion is not valid for this tenant.", reason);

const claimText = (v: unknown) =>
  typeof v === "string" && v.length > 0 && v.length <= MAX_CLAIM_CHARS ? v : undefined;

/**
 * RFC 7523 §3: the JWT must be signed (RS256 or ES256) by a key of the configured issuer's key
 * set, and name the configured issuer, subject and audience, within its validity window.
 * `clientId`, when the request carries one, must be the subject (§3 item 2). The `jti` replay
 * check is the caller's, in D1, after everything here passed (so a bad assertion burns no jti).
 */
export async function verifyAssertion(
  compact: string,
  clientId: string | undefined,
  federations: Federation[],
  nowMs: number,
): Promise<VerifiedAssertion> {
  const jwt = decodeJwt(compact);
  if (!jwt) throw refuse("the assertion is not a compact JWS");
  const alg = jwt.header.alg;
  if (!isAcceptedAlg(alg))
    throw refuse(`algorithm ${JSON.stringify(String(alg).slice(0, 20))} is not accepted (RS256 or ES256 only)`);
  const iss = claimText(jwt.payload.iss);
  const sub = claimText(jwt.payload.sub);
  if (!iss || !sub) throw refuse("iss or sub is missing");
  const federation = federations.find((f) => f.issuer === iss && f.subject === sub);
  if (!federation) {
    throw refuse(
      federations.some((f) => f.issuer === iss) ? `unexpected subject "${sub}"` : `untrusted issuer "${iss}"`,
    );
  }
  if (clientId !== undefined && clientId !== sub) throw refuse("client_id is not the assertion's subject");
  await checkSignature(jwt, alg, federation.jwksUrl);

  const aud = jwt.payload.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(federation.audience)) throw refuse("the audience is not this tenant's");
  const now = nowMs / 1000;
  const { exp, nbf } = jwt.payload;
  if (typeof exp !== "number" || !Number.isFinite(exp)) throw refuse("exp is missing");
  if (exp + CLOCK_SKEW_SECONDS <= now) throw refuse("the assertion has expired");
  if (exp - now > MAX_ASSERTION_LIFETIME_SECONDS) throw refuse("exp is too far in the future");
  if (nbf !== undefined && (typeof nbf !== "number" || nbf - CLOCK_SKEW_SECONDS > now))
    throw refuse("the assertion is not yet valid (nbf)");
  const jti = claimText(jwt.payload.jti);
  if (!jti) throw refuse("jti is missing");
  return { federation, jti, expires: exp };
}

async function checkSignature(jwt: DecodedJwt, alg: "RS256" | "ES256", jwksUrl: string): Promise<void> {
  const kid = jwt.header.kid;
  if (kid !== undefined && typeof kid !== "string") throw refuse("kid is not a string");
  const lookup = await keysFor(jwksUrl, kid);
  if (!lookup.ok) throw refuse(lookup.reason);
  const candidates = lookup.keys.filter((k) => keyFits(k, alg));
  if (candidates.length === 0) throw refuse(`no ${alg} key with this kid in the key set`);
  for (const key of candidates) if (await verifyJwtSignature(jwt, alg, key)) return;
  throw refuse("the signature does not verify");
}
