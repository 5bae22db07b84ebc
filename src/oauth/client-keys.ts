import { createLocalJWKSet, errors, jwtVerify } from "jose";
import { z } from "zod";
import { CLOCK_SKEW_SECONDS, MAX_ASSERTION_LIFETIME_SECONDS, joseRefusal } from "./assertion";
import { OAuthError } from "./errors";
import { ACCEPTED_ALGS, type AcceptedAlg, type Jwk, keyFits, publicPart } from "./jwt";

/**
 * RFC 7523 §2.2 `private_key_jwt` for the tenant's registered clients: the client signs a JWT
 * with its own private key, and the token endpoint verifies it (jose) with the public keys
 * registered for that client. No shared secret crosses the network or is stored.
 */

/** Keys per client: enough for a rotation (old and new) with room to spare. */
export const MAX_CLIENT_KEYS = 5;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];
/** RFC 7518 §3.3: at least 2048 bits, i.e. 342 base64url characters of modulus. */
const MIN_RSA_MODULUS_CHARS = 342;

const fitAlg = (jwk: Jwk): AcceptedAlg | undefined => ACCEPTED_ALGS.find((alg) => keyFits(jwk, alg));

/** The client's public JWK set as registered: RS256 (2048 bits or more) or ES256 keys, each with its own kid. */
export const clientJwks = z
  .object({
    keys: z
      .array(z.record(z.string(), z.unknown()))
      .min(1)
      .max(MAX_CLIENT_KEYS)
      .superRefine((keys, ctx) => {
        const kids = new Set<string>();
        keys.forEach((k, i) => {
          const jwk = k as Jwk;
          const problem = PRIVATE_MEMBERS.some((m) => m in k)
            ? "is a private key; register the public key only"
            : typeof jwk.kid !== "string" || jwk.kid.length === 0 || jwk.kid.length > 200
              ? "needs a kid"
              : kids.has(jwk.kid)
                ? "repeats another key's kid"
                : !fitAlg(jwk)
                  ? "is neither an RS256 (RSA) nor an ES256 (EC P-256) signing key"
                  : jwk.kty === "RSA" && (jwk.n?.length ?? 0) < MIN_RSA_MODULUS_CHARS
                    ? "is an RSA key under 2048 bits"
                    : null;
          if (problem) ctx.addIssue({ code: "custom", path: [i], message: `key ${i + 1} ${problem}` });
          if (typeof jwk.kid === "string") kids.add(jwk.kid);
        });
      }),
  })
  .strict();

/** What is stored: each key's public members, its kid, and the one algorithm it may verify. */
export function storedJwks(input: z.infer<typeof clientJwks>): string {
  const keys = input.keys.map((k) => {
    const jwk = k as Jwk;
    const alg = fitAlg(jwk)!;
    return { ...publicPart(jwk, alg), kid: jwk.kid, alg, use: "sig" };
  });
  return JSON.stringify({ keys });
}

const refuse = (reason: string) =>
  new OAuthError("invalid_client", "The client assertion is not valid for this client.", reason);

/**
 * RFC 7523 §3 for a registered client: `iss` and `sub` are the client id, `aud` the token
 * endpoint URL or the tenant's issuer, within exp (and nbf), with a `jti` (the caller records it
 * against replay), signed RS256 or ES256 by one of the client's registered keys.
 */
export async function verifyClientAssertion(
  compact: string,
  clientId: string,
  publicJwks: string,
  audiences: string[],
  nowMs: number,
): Promise<{ jti: string; expires: number }> {
  let payload;
  try {
    ({ payload } = await jwtVerify(compact, createLocalJWKSet(JSON.parse(publicJwks)), {
      algorithms: [...ACCEPTED_ALGS],
      issuer: clientId,
      subject: clientId,
      audience: audiences,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(nowMs),
      requiredClaims: ["exp", "jti"],
    }));
  } catch (e) {
    if (e instanceof errors.JOSEAlgNotAllowed) throw refuse("the algorithm is not accepted (RS256 or ES256 only)");
    if (e instanceof errors.JWKSNoMatchingKey) throw refuse("no registered key of this client fits the assertion");
    if (e instanceof errors.JWKSMultipleMatchingKeys) throw refuse("several keys fit: name one with kid");
    throw refuse(joseRefusal(e) ?? "the assertion is not a valid JWT");
  }
  const exp = payload.exp!;
  if (exp - nowMs / 1000 > MAX_ASSERTION_LIFETIME_SECONDS) throw refuse("exp is too far in the future");
  const jti = payload.jti;
  if (typeof jti !== "string" || jti.length === 0 || jti.length > 512) throw refuse("jti is missing");
  return { jti, expires: exp };
}
