import { describe, expect, it } from "vitest";
import {
  isSealed,
  newSealKeyEntry,
  parseSealKeys,
  SEAL_PURPOSE,
  SealError,
  seal,
  sealAad,
  sealedKid,
  sealerFor,
  unseal,
} from "../../src/platform/seal";
import { providerSecretPurpose } from "../../src/signin/providers";

const oldEntry = newSealKeyEntry("k1");
const newEntry = newSealKeyEntry("k2");
const aad = sealAad("acme", SEAL_PURPOSE.webhookSecret("w1"));

describe("secrets sealed at rest (AES-256-GCM)", () => {
  it("round trips, with a fresh IV each time and the key id in the sealed form", async () => {
    const keys = await parseSealKeys(oldEntry);
    const a = await seal(keys, "whsec_c2VjcmV0", aad);
    const b = await seal(keys, "whsec_c2VjcmV0", aad);
    expect(a).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("whsec_");
    expect(isSealed(a)).toBe(true);
    expect(sealedKid(a)).toBe("k1");
    expect(await unseal(keys, a, aad)).toBe("whsec_c2VjcmV0");
  });

  it("does not open for another tenant, column or row", async () => {
    const keys = await parseSealKeys(oldEntry);
    const sealed = await seal(keys, "whsec_x", aad);
    for (const other of [
      sealAad("globex", SEAL_PURPOSE.webhookSecret("w1")),
      sealAad("acme", SEAL_PURPOSE.webhookSecret("w2")),
      sealAad("acme", SEAL_PURPOSE.signingKey("w1")),
    ]) {
      await expect(unseal(keys, sealed, other)).rejects.toThrow(/does not open: altered, or sealed for another tenant/);
    }
  });

  it("refuses a value with any byte changed", async () => {
    const keys = await parseSealKeys(oldEntry);
    const sealed = await seal(keys, "whsec_x", aad);
    const [v, kid, iv, ct] = sealed.split(".");
    for (const at of [0, 5, ct.length - 1]) {
      const flipped = ct.slice(0, at) + (ct[at] === "A" ? "B" : "A") + ct.slice(at + 1);
      await expect(unseal(keys, [v, kid, iv, flipped].join("."), aad)).rejects.toThrow(SealError);
    }
    const ivFlipped = (iv[0] === "A" ? "B" : "A") + iv.slice(1);
    await expect(unseal(keys, [v, kid, ivFlipped, ct].join("."), aad)).rejects.toThrow(SealError);
    await expect(unseal(keys, `${v}.${kid}.${iv}`, aad)).rejects.toThrow(/not a sealed value/);
  });

  it("says clearly when the key id is unknown, and when SEAL_KEYS is missing or malformed", async () => {
    const sealed = await seal(await parseSealKeys(oldEntry), "whsec_x", aad);
    await expect(unseal(await parseSealKeys(newEntry), sealed, aad)).rejects.toThrow(
      "the value is sealed with key id k1, which SEAL_KEYS does not list.",
    );
    await expect(parseSealKeys(undefined)).rejects.toThrow(/SEAL_KEYS is not set/);
    await expect(parseSealKeys(" ")).rejects.toThrow(/SEAL_KEYS is not set/);
    await expect(parseSealKeys("k1:c2hvcnQ")).rejects.toThrow(/not 32 bytes/);
    await expect(parseSealKeys("no-colon")).rejects.toThrow(/kid:base64key/);
    await expect(parseSealKeys(`${oldEntry},${oldEntry}`)).rejects.toThrow(/listed twice/);
    await expect(sealerFor(undefined, "acme").seal("p", "x")).rejects.toThrow(/SEAL_KEYS is not set/);
  });

  it("rotation: the first key seals, every listed key opens; standard base64 keys are read too", async () => {
    const rotated = await parseSealKeys(`${newEntry}, ${oldEntry}`);
    const before = await seal(await parseSealKeys(oldEntry), "whsec_x", aad);
    expect(await unseal(rotated, before, aad)).toBe("whsec_x");
    expect(sealedKid(await seal(rotated, "whsec_x", aad))).toBe("k2");
    const b64 = `k3:${btoa(String.fromCharCode(...new Uint8Array(32).fill(251)))}`;
    expect(b64).toMatch(/[+/=]/);
    const k3 = await parseSealKeys(b64);
    expect(await unseal(k3, await seal(k3, "é ✓", aad), aad)).toBe("é ✓");
  });

  it("a tenant's sealer opens values stored in clear before sealing as they are", async () => {
    const sealer = sealerFor(oldEntry, "acme");
    expect(await sealer.open("webhooks.secret/w1", "whsec_legacy")).toBe("whsec_legacy");
    const sealed = await sealer.seal("webhooks.secret/w1", "whsec_new");
    expect(await sealer.open("webhooks.secret/w1", sealed)).toBe("whsec_new");
    await expect(sealerFor(oldEntry, "globex").open("webhooks.secret/w1", sealed)).rejects.toThrow(SealError);
  });

  it("names each sealed column as the code that seals it does (the key rotation re-seals by these names)", () => {
    expect(SEAL_PURPOSE.signinProviderSecret("p1")).toBe(providerSecretPurpose("p1"));
  });
});
