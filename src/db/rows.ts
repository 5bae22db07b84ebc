import type { InferSelectModel, Table } from "drizzle-orm";

/**
 * A table's row as D1 returns it to our SQL: drizzle's inferred select type with the database's
 * column names (`$inferSelect` keyed by `dbColumnNames`), derived from src/db/schema/ so the
 * two cannot drift. Boolean-mode integers come back as the 0/1 SQLite stores; drizzle's own
 * driver would map them, our statements run on D1 directly. Type-only: drizzle-orm is a
 * devDependency and nothing of it reaches the bundle.
 */
export type D1Row<T extends Table> = {
  [K in keyof InferSelectModel<T, { dbColumnNames: true }>]: D1Value<InferSelectModel<T, { dbColumnNames: true }>[K]>;
};

type D1Value<V> = V extends boolean ? number : V;
