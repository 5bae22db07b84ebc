import { z } from "zod";

/** A role the vendor's product understands (wrangler.toml ROLE_CATALOG). */
export interface CatalogRole {
  id: string;
  name: string;
  description: string;
}

export const ROLE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

const catalogSchema = z
  .array(
    z
      .object({
        id: z.string().regex(ROLE_ID),
        name: z.string().min(1).max(100),
        description: z.string().max(500).default(""),
      })
      .strict(),
  )
  .max(200);

let cached: { text: string; roles: CatalogRole[] } | undefined;

/**
 * The catalog from the Worker's configuration. A catalog that does not parse is treated as
 * empty (no role is granted, /Roles lists none) and logged, rather than failing every request.
 */
export function roleCatalog(text: string | undefined): CatalogRole[] {
  const source = text ?? "";
  if (cached?.text === source) return cached.roles;
  let roles: CatalogRole[] = [];
  if (source.trim() !== "") {
    try {
      const parsed = catalogSchema.safeParse(JSON.parse(source));
      if (parsed.success && new Set(parsed.data.map((r) => r.id)).size === parsed.data.length) roles = parsed.data;
      else console.warn(JSON.stringify({ msg: "ROLE_CATALOG is not a list of {id, name, description}; no roles" }));
    } catch {
      console.warn(JSON.stringify({ msg: "ROLE_CATALOG is not JSON; no roles" }));
    }
  }
  cached = { text: source, roles };
  return roles;
}
