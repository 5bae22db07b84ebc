import type { Child, FC, PropsWithChildren } from "hono/jsx";

/** A column heading; `class` carries the column's alignment or narrow-screen rule (num, hide-narrow, check). */
export interface Column {
  label: Child;
  class?: string;
}

/**
 * A list page's table: scrolls sideways on its own (`table-wrap`; `wrap={false}` for a small table
 * inside a card, as the Overview's), a caption for screen readers, one header row of column
 * headings; the rows are the children. With `region`, the scrolling wrapper is a named, focusable
 * region, so a keyboard can scroll a table wider than a phone.
 */
export const DataTable: FC<
  PropsWithChildren<{ caption: Child; columns: Column[]; class?: string; wrap?: boolean; region?: string }>
> = (props) => {
  const table = (
    <table class={props.class}>
      <caption class="sr-only">{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th scope="col" class={c.class}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
  if (props.wrap === false) return table;
  return props.region ? (
    <div class="table-wrap" tabindex={0} role="region" aria-label={props.region}>
      {table}
    </div>
  ) : (
    <div class="table-wrap">{table}</div>
  );
};
