import { Hono } from "hono";
import {
  ACTIVITY_METHODS,
  ACTIVITY_RESOURCES,
  activityQuery,
  findActivity,
  getActivity,
  reasonInfo,
} from "../../admin/services/activity";
import { ScimError, type ScimType } from "../../scim/errors";
import { type ConsoleBindings, render } from "../context";
import {
  Choice,
  Empty,
  Field,
  Layout,
  Notice,
  anyOf,
  describedBy,
  href,
  DateTimeField,
  FilterForm,
  CursorPager,
} from "../ui";
import { ActivityDetailView, ActivityItems } from "./activity-entry";

export const activityPages = new Hono<ConsoleBindings>();

const PAGE = 50;
/** The form's fields; `reason`, `user` and `group` come from links (Overview, user and group pages). */
const FIELDS = [
  "status",
  "method",
  "resource",
  "userName",
  "externalId",
  "id",
  "scimType",
  "from",
  "to",
  "reason",
  "user",
  "group",
] as const;
/** The error types (SCIM's scimType) an Entra-facing failure carries, in the admin's words (the cursor ones are never Entra's). */
const SCIM_TYPES: [ScimType, string][] = [
  ["uniqueness", "Already exists"],
  ["invalidValue", "Invalid value"],
  ["invalidSyntax", "Malformed request"],
  ["invalidFilter", "Invalid search filter"],
  ["invalidPath", "Invalid attribute path"],
  ["noTarget", "Nothing to change"],
  ["mutability", "Read-only attribute"],
  ["tooMany", "Too many results"],
  ["invalidVers", "Version mismatch"],
  ["sensitive", "Sensitive value in the URL"],
];
const TIME_HINT = "Use a date and time, for example 2026-12-01T09:00.";

/** The filters as given (the form keeps what the admin typed), and parsed by the JSON API's schema. */
function filters(raw: Record<string, string>) {
  const given = Object.fromEntries(FIELDS.map((k) => [k, raw[k] || undefined])) as Partial<
    Record<(typeof FIELDS)[number], string>
  >;
  const parsed = activityQuery.safeParse({ ...given, before: raw.before || undefined, limit: PAGE });
  const errors: Record<string, string> = {};
  if (!parsed.success)
    for (const i of parsed.error.issues)
      errors[String(i.path[0])] ??= i.path[0] === "from" || i.path[0] === "to" ? TIME_HINT : i.message;
  return { given, q: parsed.success ? parsed.data : null, errors };
}

const TextFilter = ({
  id,
  label,
  value,
  error,
  hint,
}: {
  id: string;
  label: string;
  value?: string;
  error?: string;
  hint?: string;
}) => (
  <Field id={id} label={label} error={error} hint={hint}>
    <input
      id={id}
      name={id}
      type="text"
      value={value ?? ""}
      spellcheck={false}
      autocomplete="off"
      aria-invalid={error ? "true" : undefined}
      aria-describedby={describedBy(id, !!hint, error)}
    />
  </Field>
);

/** The closed filters, each a select of its list. */
const CHOICES = [
  [
    "status",
    "Status",
    [
      ["", "Any status"],
      ["ok", "Succeeded"],
      ["failed", "Failed"],
      ["2xx", "2xx"],
      ["4xx", "4xx"],
      ["5xx", "5xx"],
    ],
  ],
  ["method", "Method", anyOf("Any method", ACTIVITY_METHODS)],
  ["resource", "Resource", anyOf("Any resource", ACTIVITY_RESOURCES)],
  ["scimType", "Error type", [["", "Any error type"], ...SCIM_TYPES]],
] as const;

/** Every SCIM request of the tenant's clients, newest first, with the filters of `GET /admin/api/activity`. */
activityPages.get("/", async (c) => {
  const ui = c.var.ui;
  const { given, q, errors } = filters(c.req.query());
  const result = q ? await findActivity(c.var.t.db, q) : { entries: [], next: null };
  const base = `${ui.base}/activity`;
  const filtered = Object.values(given).some(Boolean);
  const scoped = given.user ? "user" : given.group ? "group" : given.reason ? "reason" : null;
  return render(
    c,
    <Layout ui={ui} title="Activity" active="/activity">
      {!q && <Notice kind="error">The filters were not applied: see the fields marked below.</Notice>}
      <FilterForm action={base}>
        {CHOICES.map(([id, label, options]) => (
          <Choice id={id} label={label} value={given[id]} error={errors[id]} options={options} />
        ))}
        <TextFilter id="userName" label="User name" value={given.userName} error={errors.userName} />
        <TextFilter id="externalId" label="External id" value={given.externalId} error={errors.externalId} />
        <TextFilter id="id" label="Resource id" value={given.id} error={errors.id} />
        <DateTimeField id="from" label="From (UTC)" value={given.from} error={errors.from} />
        <DateTimeField id="to" label="To (UTC)" value={given.to} error={errors.to} />
        {given.reason && <input type="hidden" name="reason" value={given.reason} />}
        {given.user && <input type="hidden" name="user" value={given.user} />}
        {given.group && <input type="hidden" name="group" value={given.group} />}
        <button type="submit">Apply</button>
      </FilterForm>
      {scoped && (
        <p>
          {scoped === "reason"
            ? `Showing one failure reason only: ${(given.reason && reasonInfo(given.reason)?.title) ?? given.reason}. `
            : `Showing the requests of one ${scoped} only. `}
          <a href={href(base, { ...given, reason: undefined, user: undefined, group: undefined })}>Show all requests</a>
        </p>
      )}
      {q && result.entries.length === 0 ? (
        filtered ? (
          <Empty title="No request matches these filters">
            <p>
              <a href={base}>Clear the filters</a>
            </p>
          </Empty>
        ) : (
          <Empty title="No SCIM request yet">
            <p>
              Paste the Tenant URL and the Secret Token into Entra (see the <a href={`${ui.base}/`}>Overview</a>), then
              Test Connection: every request Entra sends shows here a moment later.
            </p>
          </Empty>
        )
      ) : (
        <ActivityItems ui={ui} entries={result.entries} />
      )}
      {q && (
        <CursorPager
          label="Activity pages"
          base={base}
          filters={given}
          before={q.before}
          next={result.next}
          what="requests"
        />
      )}
    </Layout>,
    q ? 200 : 400,
  );
});

/** One request in full (the same record `GET /admin/api/activity/<id>` answers). */
activityPages.get("/:id", async (c) => {
  const ui = c.var.ui;
  const entry = await getActivity(c.var.t.db, c.req.param("id").slice(0, 100));
  if (!entry)
    throw new ScimError(404, "No activity record with this id: records older than the retention period are pruned.");
  return render(
    c,
    <Layout ui={ui} title={`${entry.method} ${entry.path} · ${entry.status}`} active="/activity">
      <p>
        <a href={`${ui.base}/activity`}>← All activity</a>
      </p>
      <ActivityDetailView ui={ui} entry={entry} />
    </Layout>,
  );
});
