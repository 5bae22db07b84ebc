import type { FC } from "hono/jsx";
import type { ActivityEntry } from "../../admin/services/activity";
import type { AuditEntry } from "../../admin/services/audit";
import type { UserProfile } from "../../admin/services/users";
import type { MailRow } from "../../admin/services/mail";
import type { Settings } from "../../admin/services/settings";
import type { UserRoleView } from "../../admin/services/roles";
import { RolesSection } from "./user-roles";
import { Empty, Layout, SourceBadge, StatusBadge, Time, type Ui, sourceLabel, groupHref } from "../ui";
import { ActivityTimeline } from "./activity-entry";
import { AuditDetail } from "./audit-entry";

/** Nested SCIM values as `path: value` rows (`name.givenName`, `emails[0].value`). */
function flatten(value: unknown, path = ""): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => flatten(v, `${path}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => flatten(v, path ? `${path}.${k}` : k));
  return [[path, value === null || value === undefined ? "" : String(value)]];
}

const Attributes: FC<{ title: string; rows: [string, string][]; empty: string; id: string }> = ({
  title,
  rows,
  empty,
  id,
}) => (
  <section class="card" aria-labelledby={id}>
    <h2 id={id}>{title}</h2>
    {rows.length === 0 ? (
      <p class="muted">{empty}</p>
    ) : (
      <dl class="attrs">
        {rows.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v === "" ? <span class="muted">empty</span> : v}</dd>
          </>
        ))}
      </dl>
    )}
  </section>
);

const APPLE_ID_MODE: Record<string, string> = {
  off: "off",
  email: "the user's email",
  "email-appleid": "the email with an appleid subdomain",
  attribute: "a custom attribute",
};

export const UserProfilePage: FC<{
  ui: Ui;
  profile: UserProfile;
  audit: AuditEntry[];
  activity: ActivityEntry[];
  mail: MailRow | null;
  roles: UserRoleView[];
  settings: Settings;
  customAttributes: string[];
}> = ({ ui, profile: p, audit, activity, mail, roles, settings, customAttributes }) => {
  const custom = customAttributes.map((name) => {
    const key = Object.keys(p.custom).find((k) => k.toLowerCase() === name.toLowerCase());
    return [name, key ? String(p.custom[key] ?? "") : ""] as [string, string];
  });
  const history = audit
    .filter((e) => e.action === "takeover" || e.action === "create" || e.action === "import")
    .reverse();
  return (
    <Layout ui={ui} title={p.userName} active="/users">
      <p class="lead">
        {p.displayName && <span>{p.displayName} · </span>}
        <SourceBadge source={p.source} /> <StatusBadge status={p.status} />
      </p>
      <dl class="facts card">
        <dt>Managed Apple ID</dt>
        <dd>
          {p.managedAppleId ?? <span class="muted">none (mode: {APPLE_ID_MODE[settings.managedAppleId.mode]})</span>}
        </dd>
        <dt>Invitation</dt>
        <dd>
          {mail ? (
            <>
              {mail.status} to {mail.to}, <Time at={mail.sent ?? mail.created} /> · <a href={`${ui.base}/mail`}>Mail</a>
            </>
          ) : (
            <span class="muted">
              {settings.autoInvite
                ? "not invited (auto-invite applies to users created while it is on)"
                : "none; auto-invite is off"}
            </span>
          )}
        </dd>
        <dt>Created</dt>
        <dd>
          <Time at={p.created} />
        </dd>
        <dt>Last modified</dt>
        <dd>
          <Time at={p.lastModified} />
        </dd>
        <dt>Id</dt>
        <dd class="mono">{p.id}</dd>
      </dl>
      <RolesSection ui={ui} roles={roles} />
      <div class="grid attrs-grid">
        <Attributes id="core" title="Core" rows={flatten(p.attributes)} empty="No core attributes." />
        <Attributes id="enterprise" title="Enterprise" rows={flatten(p.enterprise)} empty="No enterprise attributes." />
        <Attributes id="custom" title="Custom" rows={custom} empty="No custom attributes are defined." />
        <Attributes id="ldap" title="LDAP" rows={flatten(p.ldap)} empty="Not imported from LDAP." />
      </div>
      <div class="grid two">
        <section class="card" aria-labelledby="groups">
          <h2 id="groups">Groups</h2>
          {p.groups.length === 0 ? (
            <p class="muted">In no group.</p>
          ) : (
            <ul class="plain">
              {p.groups.map((g) => (
                <li>
                  <a href={groupHref(ui, g.id)}>{g.displayName}</a> <SourceBadge source={g.source} />
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="card" aria-labelledby="history">
          <h2 id="history">Source history</h2>
          {history.length === 0 ? (
            <p class="muted">Source: {sourceLabel(p.source)}; no change of source is recorded.</p>
          ) : (
            <ol class="plain">
              {history.map((e) => (
                <li>
                  <Time at={e.at} /> ·{" "}
                  {e.action === "takeover"
                    ? `taken over by SCIM from ${sourceLabel(String(e.detail.fromSource ?? "another source"))}`
                    : e.action === "import"
                      ? "imported"
                      : `created by ${e.actor}`}
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
      <ActivityTimeline ui={ui} entries={activity} kind="user" id={p.id} />
      <section class="card" aria-labelledby="timeline">
        <h2 id="timeline">Audit timeline</h2>
        {audit.length === 0 ? (
          <Empty title="No audit entries yet">
            <p>Changes are recorded a moment after they happen.</p>
          </Empty>
        ) : (
          <ol class="timeline">
            {audit.map((e) => (
              <li>
                <AuditDetail entry={e} ui={ui} />
              </li>
            ))}
          </ol>
        )}
        <p>
          <a href={`${ui.base}/audit?resourceType=User&resourceId=${p.id}`}>
            All entries of this user in the audit log
          </a>
        </p>
      </section>
    </Layout>
  );
};
