/** P18: the tenant's custom attribute definitions (`custom_attributes`). */
export interface CustomAttributeRow {
  name: string;
  type: string;
  created: string;
}

export async function listCustomAttributes(db: D1Database): Promise<CustomAttributeRow[]> {
  const { results } = await db
    .prepare("SELECT name, type, created FROM custom_attributes ORDER BY name")
    .all<CustomAttributeRow>();
  return results;
}

/**
 * No change when the name exists (NOCASE) or the tenant already has `max`: the caller's
 * `changes()` guard sees it. The count guard holds the limit against concurrent definitions
 * too (a batch is a transaction).
 */
export const insertCustomAttributeStatement = (db: D1Database, name: string, now: string, max: number) =>
  db
    .prepare(
      `INSERT OR IGNORE INTO custom_attributes (name, type, created)
       SELECT ?1, 'IdP', ?2 WHERE (SELECT count(*) FROM custom_attributes) < ?3`,
    )
    .bind(name, now, max);

export const deleteCustomAttributeStatement = (db: D1Database, name: string) =>
  db.prepare("DELETE FROM custom_attributes WHERE name = ?1").bind(name);
