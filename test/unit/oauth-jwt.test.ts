/** Issue 11: the pure parts of client assertion checking (src/oauth/jwt.ts, client-auth.ts). */
import { describe, expect, it } from "vitest";
import { clientCredentials } from "../../src/oauth/client-auth";
import { OAuthError } from "../../src/oauth/errors";
import { base64urlDecode, decodeJwt, isAcceptedAlg, keyFits } from "../../src/oauth/jwt";

const b64 = (v: unknown) => btoa(JSON.stringify(v)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

describe("decodeJwt", () => {
  it("decodes a compact JWS and refuses anything else", () => {
    const ok = decodeJwt(`${b64({ alg: "RS256" })}.${b64({ sub: "x" })}.AAAA`);
    expect(ok?.header.alg).toBe("RS256");
    expect(ok?.payload.sub).toBe("x");
    expect(decodeJwt(`${b64({ alg: "RS256" })}.${b64({ sub: "x" })}`)).toBeNull();
    expect(decodeJwt(`${b64({ alg: "RS256" })}.${b64([1, 2])}.AAAA`)).toBeNull();
    expect(decodeJwt(`${b64({ alg: "RS256" })}.bm90IGpzb24.AAAA`)).toBeNull();
    expect(decodeJwt(`${b64({ alg: "RS256" })}.${b64({})}.AA+A`)).toBeNull();
  });

  it("base64url: no padding, no standard alphabet, no impossible lengths", () => {
    expect(base64urlDecode("AQID")).toEqual(new Uint8Array([1, 2, 3]));
    expect(base64urlDecode("AQ==")).toBeNull();
    expect(base64urlDecode("A/B+")).toBeNull();
    expect(base64urlDecode("AQIDB")).toBeNull();
  });
});

describe("algorithms and keys", () => {
  it("accepts RS256 and ES256 only", () => {
    for (const alg of ["RS256", "ES256"]) expect(isAcceptedAlg(alg)).toBe(true);
    for (const alg of ["none", "HS256", "HS512", "RS384", "PS256", "ES384", "EdDSA", undefined, 1])
      expect(isAcceptedAlg(alg)).toBe(false);
  });

  it("a key verifies only the algorithm its type, curve, use and alg allow", () => {
    const rsa = { kty: "RSA", n: "AQAB", e: "AQAB" };
    const ec = { kty: "EC", crv: "P-256", x: "AA", y: "AA" };
    expect(keyFits(rsa, "RS256")).toBe(true);
    expect(keyFits(rsa, "ES256")).toBe(false);
    expect(keyFits(ec, "ES256")).toBe(true);
    expect(keyFits({ ...ec, crv: "P-384" }, "ES256")).toBe(false);
    expect(keyFits({ ...rsa, use: "enc" }, "RS256")).toBe(false);
    expect(keyFits({ ...rsa, alg: "RS512" }, "RS256")).toBe(false);
    expect(keyFits({ kty: "oct" }, "RS256")).toBe(false);
  });
});

describe("clientCredentials (RFC 6749 §2.3)", () => {
  const basic = (id: string, secret: string) => `Basic ${btoa(`${id}:${secret}`)}`;
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as OAuthError).code;
    }
    return "none";
  };

  it("reads Basic (form-decoded), body and assertion credentials", () => {
    expect(clientCredentials(basic("a%3Ab", "s+1"), new Map())).toEqual({
      method: "client_secret_basic",
      clientId: "a:b",
      secret: "s 1",
    });
    const post = new Map([
      ["client_id", "a"],
      ["client_secret", "s"],
    ]);
    expect(clientCredentials(undefined, post)).toEqual({ method: "client_secret_post", clientId: "a", secret: "s" });
    const jwt = new Map([
      ["client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"],
      ["client_assertion", "x.y.z"],
    ]);
    expect(clientCredentials(undefined, jwt)).toEqual({
      method: "private_key_jwt",
      clientId: undefined,
      assertion: "x.y.z",
    });
  });

  it("refuses two methods, mismatched ids and missing parts with the RFC code", () => {
    expect(code(() => clientCredentials(basic("a", "s"), new Map([["client_secret", "s"]])))).toBe("invalid_request");
    expect(code(() => clientCredentials(basic("a", "s"), new Map([["client_id", "b"]])))).toBe("invalid_request");
    expect(code(() => clientCredentials(basic("a", ""), new Map()))).toBe("invalid_client");
    expect(code(() => clientCredentials("Basic " + btoa("no-colon"), new Map()))).toBe("invalid_client");
    expect(code(() => clientCredentials(basic("%E0%A4%A", "s"), new Map()))).toBe("invalid_client");
    expect(code(() => clientCredentials(undefined, new Map([["client_secret", "s"]])))).toBe("invalid_client");
    expect(code(() => clientCredentials(undefined, new Map()))).toBe("invalid_client");
  });
});
