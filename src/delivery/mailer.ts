import type { Env } from "../platform/env";
import { isMailbox } from "../scim/mailbox";

export interface Mail {
  id: string;
  to: string;
  subject: string;
  body: string;
}

/**
 * What became of a mail: kept in the outbox for admins, handed to the email service, or refused
 * because its recipient is not one address (a row stored before email values were checked).
 */
export type MailStatus = "stored" | "sent" | "refused";

/** The port the consumer sends invitations through; chosen by the MAILER variable. */
export interface Mailer {
  send(mail: Mail): Promise<MailStatus>;
}

/** Local default: the mail_outbox row IS the mail; nothing leaves the machine. */
export const outboxMailer: Mailer = { send: async () => "stored" };

/**
 * Production: Cloudflare Email Service through a `send_email` binding. Invitations are text/plain
 * only: templates are plain text written by admins (no markup to offer), and values from Entra
 * or LDAP (a `<script>` display name) then stay characters in every mail client, never markup.
 */
export function emailServiceMailer(binding: SendEmail, from: string): Mailer {
  return {
    async send(mail) {
      await binding.send({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.body,
        headers: { "X-Event-Id": mail.id },
      });
      return "sent";
    },
  };
}

/**
 * Every mailer sends to one RFC 5321 mailbox or to nobody: SCIM refuses other email values,
 * and this guard covers rows stored before it did (`a@x.com\r\nBcc: b@y.com`, lists).
 */
export function singleRecipientOnly(mailer: Mailer): Mailer {
  return { send: (mail) => (isMailbox(mail.to) ? mailer.send(mail) : Promise.resolve("refused")) };
}

export function mailerFor(env: Env): Mailer {
  if (env.MAILER === "email") {
    if (!env.MAIL || !env.MAIL_FROM)
      throw new Error("MAILER=email needs a send_email binding MAIL and a MAIL_FROM variable");
    return singleRecipientOnly(emailServiceMailer(env.MAIL, env.MAIL_FROM));
  }
  return singleRecipientOnly(outboxMailer);
}
