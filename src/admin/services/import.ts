import { z } from "zod";
import { GROUP_SOURCES, USER_SOURCES } from "../../db/enums";
import { commit } from "../../events/commit";
import { audit } from "../../events/types";
import { addMembersStatement, insertGroupStatement } from "../../groups/repo";
import { ScimError } from "../../scim/errors";
import { readSettingValue } from "../../settings/settings";
import { MAX_IMPORT_ROW_ATTRIBUTES, MAX_STRING_CHARS } from "../../scim/limits";
import { insertUserStatement } from "../../users/repo";
import { prepareNewUser } from "../../users/rules";
import { ENTRA_SOURCE_MIGRATED } from "../../users/takeover";
import { adminError } from "../errors";
import { ATTRIBUTE_NAME } from "./attributes";
import type { TenantContext } from "../../tenants/context";

/** One request seeds at most this many rows: D1 batches are transactions and should stay short. */
const MAX_IMPORT = 1000;

const atMost = (n: number, what: string) =>
  [(o: object) => Object.keys(o).length <= n, `at most ${n} ${what} (the limit)`] as const;

const importedUser = z
  .object({
    source: z.enum(USER_SOURCES).exclude(["scim"]),
    /** P25: `{"custAttr1": "..."}` for LDAP users (`ldap.custAttr1` in the older product). */
    ldapAttributes: z
      .record(z.string().regex(ATTRIBUTE_NAME), z.string().max(MAX_STRING_CHARS))
      .refine(...atMost(MAX_IMPORT_ROW_ATTRIBUTES, "LDAP attributes per user"))
      .optional(),
    managedAppleId: z.email().max(MAX_STRING_CHARS).optional(),
  })
  .catchall(z.unknown())
  .refine(...atMost(MAX_IMPORT_ROW_ATTRIBUTES, "attributes per user"));

export const importBody = z
  .object({
    users: z.array(importedUser).max(MAX_IMPORT).default([]),
    groups: z
      .array(
        z
          .object({
            displayName: z.string().trim().min(1).max(256),
            source: z.enum(GROUP_SOURCES).extract(["local", "ldap"]),
            members: z.array(z.string().max(MAX_STRING_CHARS)).default([]),
          })
          .strict(),
      )
      .max(MAX_IMPORT)
      .default([]),
  })
  .strict();
export type ImportInput = z.infer<typeof importBody>;

/**
 * Seeds a tenant's pre-SCIM directory (P11, P24, P25): users and groups from older sources,
 * all or nothing. The user rules of provisioning hold for migration too: email (P5), names
 * (P6), not suspended (P8). Group members are given by userName.
 */
export async function importDirectory(t: TenantContext, input: ImportInput) {
  const { users, groups } = input;
  if (users.some((u) => u.source === "entra-user-source")) {
    if (await readSettingValue(t.db, ENTRA_SOURCE_MIGRATED)) {
      throw adminError(
        409,
        "The Entra ID user source is read-only: migration to SCIM has started. Provision these users from Entra instead.",
        undefined,
        "entra-user-source-migration",
      );
    }
  }
  const now = new Date().toISOString();
  const ids = new Map<string, string>();
  const userStatements = users.map((u, i) => {
    const { source, ldapAttributes, managedAppleId, ...scim } = u;
    let doc;
    try {
      doc = prepareNewUser(t, scim).doc;
    } catch (e) {
      if (e instanceof ScimError) throw adminError(400, `users[${i}]: ${e.detail}`);
      throw e;
    }
    const id = crypto.randomUUID();
    ids.set(String(doc.userName).toLowerCase(), id);
    return insertUserStatement(t.db, {
      id,
      doc,
      source,
      managedAppleId: managedAppleId ?? null,
      ldapAttributes: ldapAttributes ? JSON.stringify(ldapAttributes) : null,
      now,
    });
  });
  const groupStatements = groups.flatMap((g) => {
    const id = crypto.randomUUID();
    const memberIds = g.members.map((name) => {
      const m = ids.get(name.toLowerCase());
      if (!m) throw adminError(400, `Group "${g.displayName}": member "${name}" is not among the imported users.`);
      return m;
    });
    return [
      insertGroupStatement(t.db, { id, doc: { displayName: g.displayName }, now }, g.source),
      ...(memberIds.length ? [addMembersStatement(t.db, id, memberIds)] : []),
    ];
  });
  const event = audit("admin", "import", "Tenant", null, {
    users: users.length,
    groups: groups.length,
    sources: [...new Set([...users, ...groups].map((x) => x.source))],
  });
  await commit(t, [...userStatements, ...groupStatements], [event]);
  return { imported: { users: users.length, groups: groups.length }, ids: Object.fromEntries(ids) };
}
