import type { FC, PropsWithChildren } from "hono/jsx";

/**
 * A list page's filter form: a GET to the page itself, so a filtered view is a link to share.
 * `search` marks it as the page's search landmark (Mail's single choice is not one).
 */
export const FilterForm: FC<PropsWithChildren<{ action: string; search?: boolean }>> = ({
  action,
  search = true,
  children,
}) => (
  <form method="get" action={action} class="filters" role={search ? "search" : undefined}>
    {children}
  </form>
);
