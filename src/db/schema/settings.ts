import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { nocaseText } from "./columns";

/** Tenant settings (P20-P22) as JSON values under fixed keys. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** P18: custom attributes defined by the admin (or by an LDAP takeover, P25). Type is always IdP. */
export const customAttributes = sqliteTable("custom_attributes", {
  name: nocaseText("name").primaryKey(),
  type: text("type").notNull().default("IdP"),
  created: text("created").notNull(),
});
