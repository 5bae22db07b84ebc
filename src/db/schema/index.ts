/**
 * Per-tenant D1 schema. Each resource row keeps the columns that are filtered, sorted or unique
 * next to the full SCIM document as JSON (`doc`), so any attribute path can be filtered with
 * json_extract/json_each without a column per attribute. `id` and `meta` live in columns only.
 * One file an area; drizzle-kit (drizzle.config.ts) reads the tables from this index.
 */
export * from "./users";
export * from "./groups";
export * from "./access";
export * from "./events";
export * from "./settings";
export * from "./activity";
export * from "./oauth";
export * from "./webhooks";
export * from "./people";
export * from "./roles";
