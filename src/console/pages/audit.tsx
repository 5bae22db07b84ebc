import { Hono } from "hono";
import {
  AUDIT_ACTIONS,
  type AuditQuery,
  RESOURCE_TYPES,
  auditCsv,
  auditQuery,
  exportAudit,
  listAudit,
} from "../../admin/services/audit";
import { type ConsoleBindings, type ConsoleContext, render } from "../context";
import { Choice, DateTimeField, Empty, FilterForm, Layout, Notice, anyOf, href, CursorPager } from "../ui";
import { AuditDetail } from "./audit-entry";

export const auditPages = new Hono<ConsoleBindings>();

const PAGE = 50;

/** The filters as given (form fields keep what the admin typed), and parsed when valid. */
function filters(raw: Record<string, string>) {
  const given = {
    resourceType: raw.resourceType || undefined,
    resourceId: raw.resourceId || undefined,
    action: raw.action || undefined,
    from: raw.from || undefined,
    to: raw.to || undefined,
  };
  const parsed = auditQuery.safeParse({ ...given, before: raw.before || undefined, limit: PAGE });
  const errors: Record<string, string> = {};
  if (!parsed.success)
    for (const i of parsed.error.issues)
      errors[String(i.path[0])] ??= "Use a date and time, for example 2026-12-01T09:00.";
  return { given, q: parsed.success ? parsed.data : null, errors };
}

/** Page 8 (P23): newest first, filters, cursor paging, expandable entries, export. */
auditPages.get("/", async (c) => {
  const ui = c.var.ui;
  const { given, q, errors } = filters(c.req.query());
  const result = q ? await listAudit(c.var.t.db, q) : { entries: [], next: null };
  const base = `${ui.base}/audit`;
  return render(
    c,
    <Layout ui={ui} title="Audit log" active="/audit">
      {!q && <Notice kind="error">The filters were not applied: see the fields marked below.</Notice>}
      <FilterForm action={base}>
        <Choice
          id="resourceType"
          label="Resource"
          value={given.resourceType}
          options={anyOf("Any resource", RESOURCE_TYPES)}
        />
        <Choice id="action" label="Action" value={given.action} options={anyOf("Any action", AUDIT_ACTIONS)} />
        <DateTimeField id="from" label="From (UTC)" value={given.from} error={errors.from} />
        <DateTimeField id="to" label="To (UTC)" value={given.to} error={errors.to} />
        {given.resourceId && <input type="hidden" name="resourceId" value={given.resourceId} />}
        <button type="submit">Apply</button>
      </FilterForm>
      {q && (
        <p class="exports">
          Export these entries:{" "}
          <a href={href(`${base}/export.csv`, given)} download="audit.csv">
            CSV
          </a>{" "}
          ·{" "}
          <a href={href(`${base}/export.json`, given)} download="audit.json">
            JSON
          </a>
        </p>
      )}
      {given.resourceId && (
        <p>
          Showing one resource only. <a href={href(base, { ...given, resourceId: undefined })}>Show all resources</a>
        </p>
      )}
      {q && result.entries.length === 0 ? (
        <Empty title="No entries">
          <p>
            {Object.values(given).some(Boolean)
              ? "Nothing matches these filters."
              : "Changes by Entra ID and by admins are recorded here a moment after they happen."}
          </p>
        </Empty>
      ) : (
        <ol class="timeline">
          {result.entries.map((e) => (
            <li>
              <AuditDetail entry={e} ui={ui} />
            </li>
          ))}
        </ol>
      )}
      {q && (
        <CursorPager
          label="Audit pages"
          base={base}
          filters={given}
          before={q.before}
          next={result.next}
          what="entries"
        />
      )}
    </Layout>,
    q ? 200 : 400,
  );
});

async function exported(c: ConsoleContext, q: AuditQuery | null) {
  if (!q) return null;
  return exportAudit(c.var.t.db, { ...q, before: undefined });
}

auditPages.get("/export.csv", async (c) => {
  const entries = await exported(c, filters(c.req.query()).q);
  if (!entries) return c.text("Invalid filters.", 400);
  c.header("Content-Disposition", 'attachment; filename="audit.csv"');
  c.header("Cache-Control", "no-store");
  return c.body(auditCsv(entries), 200, { "Content-Type": "text/csv; charset=utf-8" });
});

auditPages.get("/export.json", async (c) => {
  const entries = await exported(c, filters(c.req.query()).q);
  if (!entries) return c.json({ error: { status: 400, message: "Invalid filters." } }, 400);
  c.header("Content-Disposition", 'attachment; filename="audit.json"');
  c.header("Cache-Control", "no-store");
  return c.json({ entries });
});
