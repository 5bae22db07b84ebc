/**
 * Secrets sealed at rest (docs/secrets.md): what must be kept in clear to be used (a webhook's
 * HMAC secret, a tenant's ES256 private key) is stored in D1 as AES-256-GCM ciphertext under a
 * key the database never holds (the Worker secret SEAL_KEYS). A D1 export, a Time Travel restore
 * or a copied database file then carries no usable secret.
 *
 * Sealed form: `v1.<kid>.<iv>.<ciphertext>` (base64url; the ciphertext ends with GCM's 16-byte
 * tag). The key id lets keys rotate: the first key of SEAL_KEYS seals, every listed key opens.
 * The additional data names the tenant and the purpose (column and row), so a sealed value
 * copied to another tenant, column or row does not open.
 *
 * Shared by the Worker and the CLI (which runs this file under Node for rotation): WebCrypto
 * only, and one import without imports of its own.
 */
import { base64url, base64urlDecode } from "./base64url.ts";

const VERSION = "v1";
const IV_BYTES = 12;
const KEY_BYTES = 32;
const KID = /^[A-Za-z0-9_-]{1,32}$/;

/** Every sealing problem: a missing or malformed SEAL_KEYS, an unknown key id, a value that does not open. */
export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealError";
  }
}

export interface SealKeys {
  /** The key id new values are sealed with (the first of the list). */
  sealingKid: string;
  keys: Map<string, CryptoKey>;
}

/** Whether a stored value is in the sealed form (anything else is a value stored before sealing). */
export const isSealed = (stored: string) => stored.startsWith(`${VERSION}.`);

const parsed = new Map<string, Promise<SealKeys>>();

/**
 * SEAL_KEYS: `kid:base64key` entries (32-byte keys, base64 or base64url), separated by commas or
 * white space; the first one seals. Parsed and imported once per isolate.
 */
export function parseSealKeys(text: string | undefined): Promise<SealKeys> {
  if (!text || !text.trim()) {
    return Promise.reject(
      new SealError("SEAL_KEYS is not set: stored secrets cannot be sealed or opened (see docs/secrets.md)."),
    );
  }
  let keys = parsed.get(text);
  if (!keys) {
    keys = importKeys(text);
    if (parsed.size > 8) parsed.clear();
    parsed.set(text, keys);
    keys.catch(() => parsed.delete(text));
  }
  return keys;
}

async function importKeys(text: string): Promise<SealKeys> {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  const keys = new Map<string, CryptoKey>();
  for (const entry of entries) {
    const colon = entry.indexOf(":");
    const kid = entry.slice(0, colon);
    if (colon < 0 || !KID.test(kid))
      throw new SealError("SEAL_KEYS: each entry is kid:base64key (kid: A-Z a-z 0-9 _ -).");
    if (keys.has(kid)) throw new SealError(`SEAL_KEYS: key id ${kid} is listed twice.`);
    const raw = base64urlDecode(
      entry
        .slice(colon + 1)
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, ""),
    );
    if (!raw || raw.byteLength !== KEY_BYTES) throw new SealError(`SEAL_KEYS: key ${kid} is not 32 bytes of base64.`);
    keys.set(
      kid,
      await crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, "AES-GCM", false, ["encrypt", "decrypt"]),
    );
  }
  return { sealingKid: entries[0].slice(0, entries[0].indexOf(":")), keys };
}

/** A new SEAL_KEYS entry: `kid:<32 random bytes, base64url>`. */
export function newSealKeyEntry(kid: string): string {
  if (!KID.test(kid)) throw new SealError("a key id is 1-32 of A-Z a-z 0-9 _ -");
  return `${kid}:${base64url(crypto.getRandomValues(new Uint8Array(KEY_BYTES)))}`;
}

const enc = new TextEncoder();

export async function seal(keys: SealKeys, plaintext: string, aad: string): Promise<string> {
  const key = keys.keys.get(keys.sealingKid)!;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: enc.encode(aad) },
    key,
    enc.encode(plaintext),
  );
  return `${VERSION}.${keys.sealingKid}.${base64url(iv)}.${base64url(new Uint8Array(ct))}`;
}

/** The kid a sealed value was sealed with (null for a value stored in clear). */
export function sealedKid(stored: string): string | null {
  return isSealed(stored) ? (stored.split(".")[1] ?? null) : null;
}

export async function unseal(keys: SealKeys, sealed: string, aad: string): Promise<string> {
  const parts = sealed.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SealError("the value is not a sealed value.");
  const key = keys.keys.get(parts[1]);
  if (!key)
    throw new SealError(`the value is sealed with key id ${parts[1].slice(0, 32)}, which SEAL_KEYS does not list.`);
  const iv = base64urlDecode(parts[2]);
  const ct = base64urlDecode(parts[3]);
  if (!iv || iv.byteLength !== IV_BYTES || !ct) throw new SealError("the sealed value is malformed.");
  try {
    const clear = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: iv as Uint8Array<ArrayBuffer>, additionalData: enc.encode(aad) },
      key,
      ct as Uint8Array<ArrayBuffer>,
    );
    return new TextDecoder().decode(clear);
  } catch {
    throw new SealError("the sealed value does not open: altered, or sealed for another tenant or purpose.");
  }
}

/** The additional data of a tenant's sealed value: its tenant and purpose (column and row). */
export const sealAad = (tenant: string, purpose: string) => `edge-scim/${VERSION}/${tenant}/${purpose}`;

/** What a tenant's stores use: seal for one purpose, and open (a value stored in clear before sealing opens as is). */
export interface Sealer {
  seal(purpose: string, plaintext: string): Promise<string>;
  open(purpose: string, stored: string): Promise<string>;
}

/** The sealer of one tenant; a missing SEAL_KEYS fails at use, with a SealError that says so. */
export function sealerFor(sealKeys: string | undefined, tenant: string): Sealer {
  return {
    seal: async (purpose, plaintext) => seal(await parseSealKeys(sealKeys), plaintext, sealAad(tenant, purpose)),
    open: async (purpose, stored) =>
      isSealed(stored) ? unseal(await parseSealKeys(sealKeys), stored, sealAad(tenant, purpose)) : stored,
  };
}

/** Purposes (the additional data's last part) of the values sealed today. */
export const SEAL_PURPOSE = {
  webhookSecret: (webhookId: string) => `webhooks.secret/${webhookId}`,
  signingKey: (kid: string) => `signing_keys.private_jwk/${kid}`,
  /** An OIDC sign-in provider's client secret (the same text as signin/providers.ts's providerSecretPurpose). */
  signinProviderSecret: (id: string) => `signin_providers.client_secret/${id}`,
};
