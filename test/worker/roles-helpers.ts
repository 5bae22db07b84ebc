import { type Client, adminClient, createGroup, createUser, eventually, newClient, patchOp, tenantDb } from "./helpers";

/** The roles suites' own tenant: a mapping there reaches no other suite's users. */
export const T = "initech";

export const db = () => tenantDb(T);

export async function clients() {
  return { scim: await newClient(T), admin: await adminClient(T) };
}

export type Admin = Awaited<ReturnType<typeof adminClient>>;

/** Saves a mapping through the admin API; throws unless it is accepted. */
export async function saveMapping(admin: Admin, body: unknown) {
  const res = await admin.put("/roles", body);
  if (res.status !== 200) throw new Error(`mapping refused: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, any>>;
}

/** The user's effective roles once no recompute is pending for them: `value` (`*` marks the primary). */
export async function rolesOf(userId: string): Promise<string[]> {
  return eventually(async () => {
    const pending = await db().prepare("SELECT 1 FROM role_dirty WHERE user_id = ?1").bind(userId).first();
    if (pending) return null;
    const row = await db()
      .prepare("SELECT roles FROM user_roles WHERE user_id = ?1")
      .bind(userId)
      .first<{ roles: string }>();
    return { roles: JSON.parse(row?.roles ?? "[]") as { value: string; primary: boolean }[] };
  }, 15_000).then((r) => r.roles.map((x) => `${x.primary ? "*" : ""}${x.value}`));
}

/** The user's `user.roles_changed` events so far (their outbox rows, written with the roles). */
export async function roleEvents(userId: string) {
  const { results } = await db()
    .prepare(
      "SELECT payload FROM outbox WHERE kind = 'audit' AND json_extract(payload, '$.action') = 'roles' AND json_extract(payload, '$.resourceId') = ?1 ORDER BY rowid",
    )
    .bind(userId)
    .all<{ payload: string }>();
  const show = (l: { value: string; primary: boolean }[]) => l.map((x) => `${x.primary ? "*" : ""}${x.value}`);
  return results.map((r) => {
    const d = (JSON.parse(r.payload) as { detail: { before: any[]; after: any[] } }).detail;
    return { before: show(d.before), after: show(d.after) };
  });
}

export const ROLES = [{ id: "device-admin", label: "Admins" }, { id: "helpdesk" }, { id: "standard" }, { id: "kiosk" }];

export async function userIn(scim: Client, groups: Record<string, any>[], over: Record<string, unknown> = {}) {
  const u = await createUser(scim, over);
  for (const g of groups) {
    const res = await scim.patch(`/Groups/${g.id}`, patchOp({ op: "add", path: "members", value: [{ value: u.id }] }));
    if (res.status !== 200 && res.status !== 204) throw new Error(`add member failed: ${res.status}`);
  }
  return u;
}

export { createGroup };
