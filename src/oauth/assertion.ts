import { errors, importJWK, jwtVerify, type JWTPayload } from "jose";
import { OAuthError } from "./errors";
import { keysFor } from "./jwks";
import { type AcceptedAlg, decodeJwt, isAcceptedAlg, keyFits, publicPart } from "./jwt";

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
  const payload = await verified(compact, jwt.header.kid, alg, federation, nowMs);

  const now = nowMs / 1000;
  const exp = payload.exp!;
  if (exp - now > MAX_ASSERTION_LIFETIME_SECONDS) throw refuse("exp is too far in the future");
  const jti = claimText(payload.jti);
  if (!jti) throw refuse("jti is missing");
  return { federation, jti, expires: exp };
}

/**
 * jose verifies the signature with each key of the set that fits (jose also refuses RSA keys
 * under 2048 bits, RFC 7518 §3.3), then the claims: issuer, subject, audience, exp and nbf
 * with CLOCK_SKEW_SECONDS of tolerance. A claim problem is reported once a signature held.
 */
async function verified(
  compact: string,
  kid: unknown,
  alg: AcceptedAlg,
  federation: Federation,
  nowMs: number,
): Promise<JWTPayload> {
  if (kid !== undefined && typeof kid !== "string") throw refuse("kid is not a string");
  const lookup = await keysFor(federation.jwksUrl, kid);
  if (!lookup.ok) throw refuse(lookup.reason);
  const candidates = lookup.keys.filter((k) => keyFits(k, alg));
  if (candidates.length === 0) throw refuse(`no ${alg} key with this kid in the key set`);
  let reason = "the signature does not verify";
  for (const jwk of candidates) {
    try {
      const key = await importJWK(publicPart(jwk, alg), alg);
      const { payload } = await jwtVerify(compact, key, {
        algorithms: [alg],
        issuer: federation.issuer,
        subject: federation.subject,
        audience: federation.audience,
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: new Date(nowMs),
        requiredClaims: ["exp"],
      });
      return payload;
    } catch (e) {
      if (e instanceof errors.JWSSignatureVerificationFailed) continue;
      const why = joseRefusal(e);
      if (why) throw refuse(why);
      // A key jose cannot use (bad coordinates, an RSA modulus under 2048 bits) verifies nothing.
      if (e instanceof TypeError || e instanceof errors.JOSEError) reason = `the key cannot verify: ${e.message}`;
      else throw e;
    }
  }
  throw refuse(reason);
}

/**
 * Why jose refused a JWT whose key was found, as the audit log says it; null for a key that could
 * not verify (the caller tries the next one). The signature failing is not reported here.
 */
export function joseRefusal(e: unknown): string | null {
  if (e instanceof errors.JWSSignatureVerificationFailed) return "the signature does not verify";
  if (e instanceof errors.JWTExpired) return "the assertion has expired";
  if (e instanceof errors.JWTClaimValidationFailed) return claimProblem(e);
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid)
    return `the assertion is not a valid JWT: ${e.message}`;
  return null;
}

function claimProblem(e: InstanceType<typeof errors.JWTClaimValidationFailed>): string {
  if (e.reason === "missing") return `${e.claim} is missing`;
  if (e.claim === "aud") return "the audience is not this tenant's";
  if (e.claim === "iss" || e.claim === "sub") return `${e.claim} is not the client id`;
  if (e.claim === "nbf") return "the assertion is not yet valid (nbf)";
  return `the ${e.claim} claim is not valid`;
}
