import { z } from "zod";
import { commit } from "../../events/commit";
import { ADMIN_ROLES, type AdminRole, audit } from "../../events/types";
import { clock } from "../../platform/clock";
import type { TenantContext } from "../../tenants/context";
import { adminError } from "../errors";

/** The tenant's named admins (docs/people.md): listed, given another role, removed. */
export interface AdminListing {
  id: string;
  role: AdminRole;
  provider: string;
  email: string;
  name: string;
  created: string;
  lastSignIn: string | null;
}

export const roleChange = z.object({ role: z.enum(ADMIN_ROLES as [AdminRole, ...AdminRole[]]) }).strict();

export async function listAdmins(db: D1Database): Promise<AdminListing[]> {
  const { results } = await db
    .prepare(
      `SELECT id, role, provider, email, name, created, last_sign_in AS lastSignIn FROM admins
       WHERE removed IS NULL ORDER BY created`,
    )
    .all<AdminListing>();
  return results;
}

/**
 * The guard both changes share: the row may change unless it is the tenant's last owner. It is
 * part of the UPDATE itself, so two owners demoting each other at once cannot leave none.
 */
const NOT_LAST_OWNER = `(role <> 'owner' OR (SELECT count(*) FROM admins WHERE role = 'owner' AND removed IS NULL) > 1)`;

async function whyUnchanged(db: D1Database, id: string): Promise<never> {
  const row = await db.prepare("SELECT role FROM admins WHERE id = ?1 AND removed IS NULL").bind(id).first();
  if (!row) throw adminError(404, `No admin "${id.slice(0, 100)}".`);
  throw adminError(409, "This is the tenant's last owner. Make another admin an owner first.");
}

export async function changeRole(t: TenantContext, id: string, role: AdminRole): Promise<void> {
  const event = audit("admin", "admin", "Tenant", null, { admin: id, role });
  const [res] = await commit(
    t,
    [
      t.db
        .prepare(
          `UPDATE admins SET role = ?1 WHERE id = ?2 AND removed IS NULL AND (?1 = 'owner' OR ${NOT_LAST_OWNER})`,
        )
        .bind(role, id),
    ],
    [event],
    { ifLastChanged: true },
  );
  if (res.meta.changes === 0) await whyUnchanged(t.db, id);
}

/** The removed admin's sessions stop at once: the session check joins the row (console/sessions.ts). */
export async function removeAdmin(t: TenantContext, id: string): Promise<void> {
  const event = audit("admin", "admin", "Tenant", null, { removed: id });
  const [res] = await commit(
    t,
    [
      t.db
        .prepare(`UPDATE admins SET removed = ?1 WHERE id = ?2 AND removed IS NULL AND ${NOT_LAST_OWNER}`)
        .bind(clock.iso(), id),
    ],
    [event],
    { ifLastChanged: true },
  );
  if (res.meta.changes === 0) await whyUnchanged(t.db, id);
  await t.db.prepare("DELETE FROM console_sessions WHERE kind = 'person' AND token_id = ?1").bind(id).run();
}
