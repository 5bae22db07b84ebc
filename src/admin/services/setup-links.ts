import { z } from "zod";
import { commit } from "../../events/commit";
import { ADMIN_INVITE_PREFIX, ADMIN_ROLES, type AdminRole, audit, invite } from "../../events/types";
import { randomBase64url } from "../../platform/base64url";
import { clock } from "../../platform/clock";
import { isMailbox } from "../../scim/mailbox";
import type { TenantContext } from "../../tenants/context";
import { SETUP_LINK_PREFIX, sha256Hex } from "../../tenants/tokens";
import { adminError } from "../errors";

/** A setup link lives 15 minutes unless asked otherwise, and never more than an hour. */
export const DEFAULT_LINK_MINUTES = 15;
export const MAX_LINK_MINUTES = 60;

export const newLink = z
  .object({
    email: z.string().trim().min(3).max(254).optional(),
    role: z.enum(ADMIN_ROLES as [AdminRole, ...AdminRole[]]),
    expiresInMinutes: z.number().int().min(1).max(MAX_LINK_MINUTES).optional(),
  })
  .strict();
export type NewLink = z.infer<typeof newLink>;

export interface IssuedLink {
  id: string;
  url: string;
  role: AdminRole;
  email: string | null;
  expires: string;
  /** True when an invitation mail carrying the link was queued. */
  mailed: boolean;
}

/** Where a link leads: the console's setup page, which offers the sign-in. */
export const setupLinkUrl = (base: string, slug: string, secret: string) =>
  `${base}/t/${encodeURIComponent(slug)}/admin/setup?link=${secret}`;

/**
 * A single-use link that makes whoever follows it and signs in an admin with `role` (only its
 * hash is stored). With an email it is an invitation: only that person may use it, and the mail
 * goes through the tenant's mail queue like the users' invitations.
 */
export async function issueSetupLink(t: TenantContext, base: string, input: NewLink): Promise<IssuedLink> {
  const email = input.email?.toLowerCase();
  if (email !== undefined && !isMailbox(email)) throw adminError(400, "email is not one email address.", "email");
  const secret = SETUP_LINK_PREFIX + randomBase64url(32);
  const id = crypto.randomUUID();
  const now = clock.now();
  const expires = new Date(now + (input.expiresInMinutes ?? DEFAULT_LINK_MINUTES) * 60_000).toISOString();
  const url = setupLinkUrl(base, t.slug, secret);
  const writes = [
    t.db
      .prepare(
        `INSERT INTO setup_links (id, hash, role, email, created, expires, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
      )
      .bind(
        id,
        await sha256Hex(secret),
        input.role,
        email ?? null,
        new Date(now).toISOString(),
        expires,
        t.principal?.actor ?? "admin",
      ),
  ];
  const events = [
    audit("admin", "setup-link", "Tenant", null, { issued: id, role: input.role, email: email ?? null, expires }),
  ];
  if (email) {
    const mail = invite(ADMIN_INVITE_PREFIX + id);
    writes.push(
      t.db
        .prepare(
          `INSERT INTO mail_outbox (id, user_id, to_address, subject, body, status, created) VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6)`,
        )
        .bind(
          mail.id,
          mail.userId,
          email,
          `You are invited to administer ${t.slug}`,
          invitationBody(t.slug, input.role, url, expires),
          mail.at,
        ),
    );
    events.push(mail as never);
  }
  await commit(t, writes, events);
  return { id, url, role: input.role, email: email ?? null, expires, mailed: !!email };
}

const invitationBody = (slug: string, role: AdminRole, url: string, expires: string) =>
  `Hello,\n\nYou are invited to administer the provisioning service of "${slug}" as ${role}.\n` +
  `Open this link and sign in with your work account (it works once, until ${expires} UTC):\n\n${url}\n`;
