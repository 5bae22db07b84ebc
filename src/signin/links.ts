import type { AdminRole } from "../events/types";
import { clock } from "../platform/clock";
import { SETUP_LINK_PATTERN, sha256Hex } from "../tenants/tokens";

export interface SetupLinkRow {
  id: string;
  role: AdminRole;
  email: string | null;
  expires: string;
  used: string | null;
}

/** Why a link cannot be used; each has its own clear page (console/pages/setup.tsx). */
export type LinkProblem = "unknown" | "used" | "expired";

/**
 * The link a secret names in this tenant's database. A forged secret, or another tenant's (whose
 * hash is only in that tenant's database), is "unknown": the same answer, nothing to tell apart.
 */
export async function findSetupLink(
  db: D1Database,
  secret: string | undefined,
): Promise<{ ok: true; link: SetupLinkRow } | { ok: false; problem: LinkProblem }> {
  if (!secret || !SETUP_LINK_PATTERN.test(secret)) return { ok: false, problem: "unknown" };
  const link = await db
    .prepare("SELECT id, role, email, expires, used FROM setup_links WHERE hash = ?1")
    .bind(await sha256Hex(secret))
    .first<SetupLinkRow>();
  if (!link) return { ok: false, problem: "unknown" };
  if (link.used) return { ok: false, problem: "used" };
  if (link.expires <= clock.iso()) return { ok: false, problem: "expired" };
  return { ok: true, link };
}

export const linkById = (db: D1Database, id: string) =>
  db.prepare("SELECT id, role, email, expires, used FROM setup_links WHERE id = ?1").bind(id).first<SetupLinkRow>();
