/* The console page of one resource, written once for every page that links to a user or a group. */

export const userHref = (ui: { base: string }, id: string) => `${ui.base}/users/${id}`;
export const groupHref = (ui: { base: string }, id: string) => `${ui.base}/groups/${id}`;
export const activityHref = (ui: { base: string }, id: string) => `${ui.base}/activity/${id}`;

/** An audit or activity entry's resource, when it has a page (users and groups do; the tenant does not). */
export function resourceHref(
  ui: { base: string },
  type: string | null | undefined,
  id: string | null | undefined,
): string | null {
  if (!id) return null;
  if (type === "User") return userHref(ui, id);
  if (type === "Group") return groupHref(ui, id);
  return null;
}
