/**
 * Issue 12 item 13: MAILER=email end to end. The real Worker under wrangler dev with a
 * `[[send_email]]` binding: local wrangler dev hands each mail to its email simulator, which logs
 * the envelope and subject and writes the text part to a file under the project's
 * `.wrangler/tmp/email/` (and an HTML part, if there were one, beside it). An invitation is
 * checked from the outside: recipient, sender, subject and body rendered (P19), one mail per
 * user however often Entra repeats itself (P20), and sent as text only.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PROJECT_ROOT, scimFetch, startBlackbox, type Blackbox } from "./harness.ts";

const MAIL_FROM = "invitations@scim-mail.example";
// wrangler colours its log lines: the escape character is the point of this pattern.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** wrangler.toml as a deployment with the Email Service would have it. */
const withEmail = (toml: string) =>
  toml
    .replace(/^MAILER = "outbox"$/m, `MAILER = "email"\nMAIL_FROM = "${MAIL_FROM}"`)
    .replace(/^\[observability\]$/m, `[[send_email]]\nname = "MAIL"\n\n[observability]`);

interface SentMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: boolean;
  /** Where the simulator wrote the text part. */
  file: string;
}

let box: Blackbox;
let log = "";

beforeAll(async () => {
  box = await startBlackbox({ configure: withEmail, logLevel: "info", onOutput: (chunk) => (log += chunk) });
});
afterAll(async () => {
  await box?.stop();
});

/** Each mail the simulator logged: `send_email binding called with MessageBuilder:` then headers and files. */
function sentMails(): SentMail[] {
  const blocks = log.replace(ANSI, "").split("send_email binding called with MessageBuilder:").slice(1);
  return blocks.map((b) => {
    const header = (name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(b)?.[1]?.trim() ?? "";
    const textPath = /^Text: (.*)$/m.exec(b)?.[1]?.trim();
    const text = textPath ? readFileSync(textPath, "utf8") : "";
    return {
      from: header("From"),
      to: header("To"),
      subject: header("Subject"),
      text,
      html: /^HTML: /m.test(b),
      file: textPath ?? "",
    };
  });
}

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${box.adminApiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${box.adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res.json() as Promise<any>;
}

const CUSTOM = "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User";
const user = (n: string, displayName: string) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", CUSTOM],
  userName: `${n}@contoso.example`,
  active: true,
  displayName,
  name: { givenName: `Given-${n}`, familyName: "Lee" },
  emails: [{ value: `${n}@contoso.example`, type: "work", primary: true }],
  [CUSTOM]: { badge: `B-${n}` },
});

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what} not reached in time\n${box.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it("P20 P19 an invitation leaves through the Email Service binding: recipient, sender, rendered subject and body, once per user", async () => {
  await admin("POST", "/custom-attributes", { name: "badge" });
  await admin("PUT", "/settings", {
    autoInvite: true,
    inviteSubject: "Enroll your device, ${givenName}",
    inviteBody: "Hello ${displayName},\nyour badge is ${badge}; sign in as ${userName}.",
  });

  const ann = await scimFetch(box, "/Users", {
    method: "POST",
    body: JSON.stringify(user("ann", "<script>alert(1)</script>")),
  });
  expect(ann.status).toBe(201);
  const bob = await scimFetch(box, "/Users", { method: "POST", body: JSON.stringify(user("bob", "Bob Lee")) });
  expect(bob.status).toBe(201);
  const annId = ((await ann.json()) as { id: string }).id;

  const mails = await until("two mails", () => (sentMails().length >= 2 ? sentMails() : undefined));
  const { file, ...toAnn } = mails.find((m) => m.to.includes("ann@contoso.example"))!;
  expect(file.startsWith(path.join(PROJECT_ROOT, ".wrangler", "tmp", "email") + path.sep), file).toBe(true);
  expect(toAnn).toEqual({
    from: MAIL_FROM,
    to: "ann@contoso.example",
    subject: "Enroll your device, Given-ann",
    // Text only: the display name is characters, never markup, and no HTML part exists.
    text: "Hello <script>alert(1)</script>,\nyour badge is B-ann; sign in as ann@contoso.example.",
    html: false,
  });
  expect(mails.find((m) => m.to.includes("bob@contoso.example"))?.subject).toBe("Enroll your device, Given-bob");

  // Entra repeats itself: the same create again (409), an update, a disable. No second mail.
  expect(
    (await scimFetch(box, "/Users", { method: "POST", body: JSON.stringify(user("ann", "Ann Lee")) })).status,
  ).toBe(409);
  const patch = {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    Operations: [{ op: "replace", path: "displayName", value: "Ann L." }],
  };
  expect((await scimFetch(box, `/Users/${annId}`, { method: "PATCH", body: JSON.stringify(patch) })).status).toBe(204);
  // Time for a wrongly queued second invitation to be delivered (the consumer runs within a second or two).
  await new Promise((r) => setTimeout(r, 5000));
  const after = sentMails();
  expect(after.filter((m) => m.to.includes("ann@contoso.example"))).toHaveLength(1);
  expect(after).toHaveLength(2);

  // An email value that would inject a header (or name two recipients) is refused: nothing mailed.
  for (const value of [
    "eve@contoso.example\r\nBcc: mallory@evil.example",
    "eve@contoso.example, mallory@evil.example",
  ]) {
    const eve = { ...user("eve", "Eve"), emails: [{ value, type: "work", primary: true }] };
    expect((await scimFetch(box, "/Users", { method: "POST", body: JSON.stringify(eve) })).status).toBe(400);
  }
  await new Promise((r) => setTimeout(r, 2000));
  expect(sentMails()).toHaveLength(2);
  expect(log).not.toContain("mallory@evil.example");

  const { mail } = await admin("GET", "/mail");
  expect(mail.map((m: any) => [m.to, m.status]).sort()).toEqual([
    ["ann@contoso.example", "sent"],
    ["bob@contoso.example", "sent"],
  ]);
}, 120_000);
