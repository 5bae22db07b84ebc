import { Hono } from "hono";
import { findActivity } from "../../admin/services/activity";
import { groupWithMembers, listGroups, memberPageQuery } from "../../admin/services/groups";
import { type ConsoleBindings, render } from "../context";
import { Empty, Layout, Notice, Pager, SourceBadge, Time, UserCells, href, groupHref, DataTable } from "../ui";
import { ActivityTimeline } from "./activity-entry";

export const groupPages = new Hono<ConsoleBindings>();

const MEMBERS_PAGE = 50;
/** Latest SCIM requests on a group page; the Activity page has them all. */
const TIMELINE = 10;

/**
 * P16 in the admin's words: the built-in group's name suggests everyone, but it holds only the
 * suspended former members of groups Entra ID deleted.
 */
const ALL_USERS_SHORT =
  "Built in, and not everyone: the users whose group Entra ID deleted, suspended and kept here. Entra ID cannot change it.";

/** Page 4 (P13, P16): groups with member counts and source; "All Users" is built in. */
groupPages.get("/", async (c) => {
  const ui = c.var.ui;
  const groups = await listGroups(c.var.t.db);
  return render(
    c,
    <Layout ui={ui} title="Groups" active="/groups">
      {groups.length <= 1 && (
        <Empty title="Only the built-in group so far">
          <p>
            Groups appear when Entra ID provisions them (assign groups to the enterprise application), or through an
            import.
          </p>
        </Empty>
      )}
      <DataTable
        caption="Groups"
        columns={[
          { label: "Group" },
          { label: "Members", class: "num" },
          { label: "Source" },
          { label: "Last modified", class: "hide-narrow" },
        ]}
      >
        {groups.map((g) => (
          <tr>
            <td>
              <a href={groupHref(ui, g.id)}>{g.displayName}</a>
              {g.builtIn && <span class="sub">{ALL_USERS_SHORT}</span>}
            </td>
            <td class="num">{g.members.toLocaleString("en")}</td>
            <td>
              <SourceBadge source={g.source} />
            </td>
            <td class="hide-narrow">
              <Time at={g.lastModified} />
            </td>
          </tr>
        ))}
      </DataTable>
    </Layout>,
  );
});

/** One group, its members a page at a time: a 50,000-member group costs one page's read. */
groupPages.get("/:id", async (c) => {
  const ui = c.var.ui;
  const parsed = memberPageQuery.safeParse({ offset: c.req.query("offset") || 0, limit: MEMBERS_PAGE });
  const page = parsed.success ? parsed.data : { offset: 0, limit: MEMBERS_PAGE };
  const g = await groupWithMembers(c.var.t.db, c.req.param("id"), page);
  const activity = await findActivity(c.var.t.db, { group: g.id, limit: TIMELINE });
  const base = `${ui.base}/groups/${g.id}`;
  return render(
    c,
    <Layout ui={ui} title={g.displayName} active="/groups">
      <p class="lead">
        <SourceBadge source={g.source} /> {g.memberCount.toLocaleString("en")}{" "}
        {g.memberCount === 1 ? "member" : "members"}
      </p>
      {g.builtIn && (
        <Notice kind="info">
          <p>
            Despite its name, this group does not list every user: every user is on the{" "}
            <a href={`${ui.base}/users`}>Users</a> page. When Entra ID deletes a group, its members are suspended (their
            accounts stay) and listed here. Entra ID cannot change this group.
          </p>
        </Notice>
      )}
      {g.members.length === 0 ? (
        <Empty title={g.offset > 0 ? "No members on this page" : "No members"}>
          <p>
            {g.offset > 0 ? (
              <a href={base}>First page</a>
            ) : g.builtIn ? (
              "No group has been deleted by Entra ID yet."
            ) : (
              "Entra ID adds members when users assigned to this group are provisioned."
            )}
          </p>
        </Empty>
      ) : (
        <>
          <DataTable
            caption={<>Members of {g.displayName}</>}
            class="stack-narrow"
            columns={[{ label: "Member" }, { label: "Source" }, { label: "Status" }]}
          >
            {g.members.map((m) => (
              <tr>
                <UserCells ui={ui} user={m} />
              </tr>
            ))}
          </DataTable>
          <Pager
            label="Member pages"
            prev={g.offset > 0 ? href(base, { offset: Math.max(0, g.offset - MEMBERS_PAGE) || undefined }) : null}
            next={g.offset + MEMBERS_PAGE < g.memberCount ? href(base, { offset: g.offset + MEMBERS_PAGE }) : null}
            info={`${(g.offset + 1).toLocaleString("en")}-${(g.offset + g.members.length).toLocaleString("en")} of ${g.memberCount.toLocaleString("en")}`}
          />
        </>
      )}
      <ActivityTimeline ui={ui} entries={activity.entries} kind="group" id={g.id} />
    </Layout>,
  );
});
