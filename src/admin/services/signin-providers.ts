import { z } from "zod";
import { commit } from "../../events/commit";
import { audit } from "../../events/types";
import { clock } from "../../platform/clock";
import type { Sealer } from "../../platform/seal";
import { providerSecretPurpose } from "../../signin/providers";
import type { TenantContext } from "../../tenants/context";
import { adminError } from "../errors";

/**
 * A tenant's own OpenID Connect providers (Okta, Google Workspace, any issuer with discovery):
 * issuer and client, the client secret sealed (platform/seal.ts) or none (a public client, PKCE).
 */
export const newProvider = z
  .object({
    name: z.string().trim().min(1).max(64),
    issuer: z.string().trim().url().max(500),
    clientId: z.string().trim().min(1).max(256),
    clientSecret: z.string().min(1).max(512).optional(),
  })
  .strict();
export type NewProvider = z.infer<typeof newProvider>;

export interface ProviderListing {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  confidential: boolean;
  created: string;
}

export async function listProviders(db: D1Database): Promise<ProviderListing[]> {
  const { results } = await db
    .prepare(
      `SELECT id, name, issuer, client_id AS clientId, client_secret IS NOT NULL AS confidential, created
       FROM signin_providers ORDER BY created`,
    )
    .all<Omit<ProviderListing, "confidential"> & { confidential: number }>();
  return results.map((r) => ({ ...r, confidential: !!r.confidential }));
}

export async function addProvider(
  t: TenantContext,
  sealer: Sealer,
  input: NewProvider,
  loopbackAllowed: boolean,
): Promise<ProviderListing> {
  const url = new URL(input.issuer);
  const loopback = url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(loopback && loopbackAllowed))
    throw adminError(400, "issuer must be an https URL.", "issuer");
  const id = crypto.randomUUID();
  const created = clock.iso();
  const secret = input.clientSecret ? await sealer.seal(providerSecretPurpose(id), input.clientSecret) : null;
  const event = audit("admin", "sign-in", "Tenant", null, {
    providerAdded: id,
    name: input.name,
    issuer: input.issuer,
  });
  await commit(
    t,
    [
      t.db
        .prepare(
          "INSERT INTO signin_providers (id, name, issuer, client_id, client_secret, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(id, input.name, input.issuer, input.clientId, secret, created),
    ],
    [event],
  );
  return { id, name: input.name, issuer: input.issuer, clientId: input.clientId, confidential: !!secret, created };
}

export async function removeProvider(t: TenantContext, id: string): Promise<void> {
  const event = audit("admin", "sign-in", "Tenant", null, { providerRemoved: id.slice(0, 100) });
  const [res] = await commit(t, [t.db.prepare("DELETE FROM signin_providers WHERE id = ?1").bind(id)], [event], {
    ifLastChanged: true,
  });
  if (res.meta.changes === 0) throw adminError(404, `No sign-in provider "${id.slice(0, 100)}".`);
}
