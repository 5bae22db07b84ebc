import { z } from "zod";

const managedAppleIdModes = [
  z.object({ mode: z.literal("off") }),
  /** The user's email as it is. */
  z.object({ mode: z.literal("email") }),
  /** The email with an `appleid` subdomain: a@example.com -> a@appleid.example.com. */
  z.object({ mode: z.literal("email-appleid") }),
  /** A custom attribute (P18) whose value must be an email address unique in the tenant. */
  z.object({ mode: z.literal("attribute"), attribute: z.string().min(1).max(64) }),
] as const;

/** P21: where a user's managed Apple ID comes from, as stored (lenient: an old row still reads). */
export const managedAppleIdSchema = z.discriminatedUnion("mode", managedAppleIdModes);

/**
 * P21 as an admin sends it: a field the mode does not use (`{"mode":"off","attribute":"x"}`) is
 * refused, not dropped in silence, so what is saved is what was asked.
 */
export const managedAppleIdInput = z.discriminatedUnion(
  "mode",
  managedAppleIdModes.map((m) => m.strict()) as unknown as typeof managedAppleIdModes,
);

/**
 * A tenant's ceiling on SCIM requests with a good token, in requests per second. One Workers Rate
 * Limiting binding per value (wrangler.toml SCIM_RATE_<n>, 10 s windows): a binding's limit is
 * fixed in its config, so an adjustable ceiling is a choice among them (http/scim-rate.ts).
 * Entra sends at most about 25 per second to one tenant; the lowest ceiling is twice that.
 */
export const SCIM_RATE_CEILINGS = [50, 100, 200, 500, 1000] as const;
export type ScimRateCeiling = (typeof SCIM_RATE_CEILINGS)[number];

export const settingsSchema = z.object({
  /** P20 */
  autoInvite: z.boolean(),
  /** P21 */
  managedAppleId: managedAppleIdSchema,
  /** P19: `${attribute}` variables, custom attributes included. */
  inviteSubject: z.string().min(1).max(200),
  inviteBody: z.string().min(1).max(10_000),
  /** Days the provisioning activity is kept (src/activity/retention.ts). */
  activityRetentionDays: z.number().int().min(1).max(365),
  /** Seconds an OAuth access token lives (5 minutes to 6 hours, as Entra expects). */
  accessTokenLifetime: z.number().int().min(300).max(21_600),
  /** Days the events are kept for RFC 8936 poll replay (pruned by the cron, src/webhooks/cron.ts). */
  eventRetentionDays: z.number().int().min(1).max(90),
  /** Whether the console accepts an admin API key at its sign-in (off once people sign in, docs/people.md). */
  consoleKeySignIn: z.boolean(),
  /** Requests per second a tenant's SCIM clients may make before 429 (see SCIM_RATE_CEILINGS). */
  scimRateLimit: z.literal(SCIM_RATE_CEILINGS),
  /**
   * What a SCIM DELETE of a user does: `suspend` (P9, the default: the user stays, suspended, and
   * keeps its devices) or `delete` (the user goes, 404 afterwards, its userName and externalId
   * free again; a tombstone stays for the console and the event is user.deleted).
   */
  deleteMode: z.enum(["suspend", "delete"]),
  /**
   * How strictly SCIM requests are read: `entra` (the default: what Entra sends is tolerated,
   * unknown attributes dropped and audited, pathless PATCH operations accepted) or `strict`
   * (the interoperability profile: those are refused with 400 invalidSyntax).
   */
  dialect: z.enum(["entra", "strict"]),
  /**
   * What a blank or null value in a PATCH does to a single-valued attribute: `keep` (P7, the
   * default: the stored value stays) or `clear` (it is removed, as Entra's validator expects).
   */
  blankValues: z.enum(["keep", "clear"]),
});

export type Settings = z.infer<typeof settingsSchema>;
export type ManagedAppleIdSetting = z.infer<typeof managedAppleIdSchema>;

export const DEFAULT_SETTINGS: Settings = {
  autoInvite: false,
  managedAppleId: { mode: "off" },
  inviteSubject: "Enroll your device, ${givenName}",
  inviteBody:
    "Hello ${displayName},\n\nYour organisation manages your devices. Enroll with your user ID ${userName}.\n",
  activityRetentionDays: 30,
  accessTokenLifetime: 3600,
  eventRetentionDays: 7,
  consoleKeySignIn: true,
  scimRateLimit: 200,
  deleteMode: "suspend",
  dialect: "entra",
  blankValues: "keep",
};

/** Settings rows are `key -> JSON value`; absent keys take their defaults. */
export function settingsFromRows(rows: { key: string; value: string }[]): Settings {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const r of rows) {
    if (!Object.hasOwn(DEFAULT_SETTINGS, r.key)) continue;
    try {
      out[r.key] = JSON.parse(r.value);
    } catch {
      // A row we cannot read keeps its default rather than breaking every request of the tenant.
    }
  }
  const parsed = settingsSchema.safeParse(out);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

/** Outside a request (the queue consumer); a request gets its settings with the token check (tenants/context.ts). */
export async function readSettings(db: D1Database): Promise<Settings> {
  const { results } = await db.prepare("SELECT key, value FROM settings").all<{ key: string; value: string }>();
  return settingsFromRows(results);
}

export const putSettingStatement = (db: D1Database, key: keyof Settings, value: unknown) =>
  db
    .prepare("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    .bind(key, JSON.stringify(value));

/** One stored setting's raw JSON value, or null when absent. */
export async function readSettingValue(db: D1Database, key: string): Promise<string | null> {
  const row = await db.prepare("SELECT value FROM settings WHERE key = ?1").bind(key).first<{ value: string }>();
  return row?.value ?? null;
}
