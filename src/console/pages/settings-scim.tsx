import type { FC } from "hono/jsx";
import { SCIM_RATE_CEILINGS, type Settings } from "../../admin/services/settings";
import { Choice } from "../ui";

/** The settings page's SCIM behaviour fields (docs/conformance.md), as typed in the form. */
export type ScimForm = { deleteMode: string; dialect: string; scimRateLimit: string; blankValues: string };

export const scimFormOf = (s: Settings): ScimForm => ({
  deleteMode: s.deleteMode,
  dialect: s.dialect,
  scimRateLimit: String(s.scimRateLimit),
  blankValues: s.blankValues,
});

export const scimFormFromBody = (body: Record<string, string | undefined>): ScimForm => ({
  deleteMode: (body.deleteMode ?? "").trim(),
  dialect: (body.dialect ?? "").trim(),
  scimRateLimit: (body.scimRateLimit ?? "").trim(),
  blankValues: (body.blankValues ?? "").trim(),
});

/** A field the form did not carry (a page opened before it existed) is left out: the stored value stays. */
export const scimPatchOf = (f: ScimForm) => ({
  ...(f.deleteMode ? { deleteMode: f.deleteMode } : {}),
  ...(f.dialect ? { dialect: f.dialect } : {}),
  ...(f.blankValues ? { blankValues: f.blankValues } : {}),
  ...(f.scimRateLimit
    ? { scimRateLimit: /^\d{1,5}$/.test(f.scimRateLimit) ? Number(f.scimRateLimit) : f.scimRateLimit }
    : {}),
});

export const SCIM_FIELD_WORDS: Record<string, string> = {
  deleteMode: "Choose what a delete from Entra ID does.",
  dialect: "Choose how strictly requests are read.",
  scimRateLimit: "Choose one of the listed request ceilings.",
  blankValues: "Choose what an empty value from Entra ID does.",
};

export const ScimBehaviourFields: FC<{ f: ScimForm; errors: Record<string, string> }> = ({ f, errors }) => (
  <section class="card stack" aria-labelledby="scim-behaviour">
    <h2 id="scim-behaviour">SCIM behaviour</h2>
    <Choice
      id="deleteMode"
      label="When Entra ID deletes a user"
      value={f.deleteMode}
      error={errors.deleteMode}
      hint="Suspending keeps the user and their devices. Deleting removes the user: its user name is free again, and a record of it stays here."
      options={[
        ["suspend", "Suspend the user"],
        ["delete", "Delete the user"],
      ]}
    />
    <Choice
      id="blankValues"
      label="When Entra ID sends an empty value"
      value={f.blankValues}
      error={errors.blankValues}
      hint="Keeping protects stored values from gaps in the directory. Clearing empties the attribute, as Entra ID's own validation expects."
      options={[
        ["keep", "Keep the stored value"],
        ["clear", "Clear the attribute"],
      ]}
    />
    <Choice
      id="dialect"
      label="Request dialect"
      value={f.dialect}
      error={errors.dialect}
      hint="Entra ID sends requests the strict SCIM interoperability profile refuses: keep Entra ID for a tenant Entra ID provisions."
      options={[
        ["entra", "Entra ID (tolerant)"],
        ["strict", "Strict (SCIM interoperability profile)"],
      ]}
    />
    <Choice
      id="scimRateLimit"
      label="Request ceiling"
      value={f.scimRateLimit}
      error={errors.scimRateLimit}
      hint="Requests per second beyond which SCIM clients are asked to retry later. Entra ID sends about 25."
      options={SCIM_RATE_CEILINGS.map((n) => [String(n), `${n} requests per second`] as const)}
    />
  </section>
);
