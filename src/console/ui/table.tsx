import type { Child, FC, PropsWithChildren } from "hono/jsx";

/** A column heading; `class` carries the column's alignment or narrow-screen rule (num, hide-narrow, check). */
export interface Column {
  label: Child;
  class?: string;
}

/**
 * A list page's table: scrolls sideways on its own (`table-wrap`; `wrap={false}` for a small table
 * inside a card, as the Overview's), a caption for screen readers, one header row of column
 * headings; the rows are the children.
 */
export const DataTable: FC<PropsWithChildren<{ caption: Child; columns: Column[]; class?: string; wrap?: boolean }>> = (
  props,
) => {
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
  return props.wrap === false ? table : <div class="table-wrap">{table}</div>;
};
