import type { FC } from "hono/jsx";

/** `base?query` with the empty values left out. */
export function href(base: string, query: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}

/** Previous and next links of a paged list; a missing one is shown greyed, so the links never move. */
export const Pager: FC<{ label: string; prev?: string | null; next?: string | null; info?: string }> = ({
  label,
  prev,
  next,
  info,
}) => (
  <nav class="pager" aria-label={label}>
    {prev ? (
      <a href={prev} rel="prev">
        ← Previous
      </a>
    ) : (
      <span class="muted" aria-hidden="true">
        ← Previous
      </span>
    )}
    {info && <span class="pager-info">{info}</span>}
    {next ? (
      <a href={next} rel="next">
        Next →
      </a>
    ) : (
      <span class="muted" aria-hidden="true">
        Next →
      </span>
    )}
  </nav>
);

/**
 * Newest-first pages walked by cursor (Activity, Audit): "previous" goes back to the newest page
 * with the same filters, "next" carries the cursor of the last entry shown.
 */
export const CursorPager: FC<{
  label: string;
  base: string;
  filters: Record<string, string | undefined>;
  before: string | undefined;
  next: string | null;
  what: string;
}> = ({ label, base, filters, before, next, what }) => (
  <Pager
    label={label}
    prev={before ? href(base, filters) : null}
    next={next ? href(base, { ...filters, before: next }) : null}
    info={before ? `Older ${what}` : `Newest ${what}`}
  />
);
