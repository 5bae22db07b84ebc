import type { FC, PropsWithChildren } from "hono/jsx";

/* Small pieces of text every page uses: counts, times, notices, empty states, copyable values. */

/** `1 user`, `2 users`, `1,000 users`: a count with its noun in the right number. */
export const counted = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

export const Time: FC<{ at: string | null | undefined }> = ({ at }) =>
  at ? (
    <time datetime={at}>
      {at
        .replace("T", " ")
        .replace(/\.\d+Z$/, " UTC")
        .replace(/Z$/, " UTC")}
    </time>
  ) : (
    <span class="muted">never</span>
  );

export const Notice: FC<PropsWithChildren<{ kind?: "ok" | "error" | "warn" | "info" }>> = ({
  kind = "info",
  children,
}) => (
  <div class={`notice ${kind}`} role={kind === "error" ? "alert" : "status"}>
    {children}
  </div>
);

export const Empty: FC<PropsWithChildren<{ title: string }>> = ({ title, children }) => (
  <div class="empty">
    <p class="empty-title">{title}</p>
    {children}
  </div>
);

/** A copy button for the value of an input (app.js); without script the value stays selectable. */
export const CopyField: FC<{ id: string; label: string; value: string; secret?: boolean }> = ({ id, label, value }) => (
  <div class="field copy">
    <label for={id}>{label}</label>
    <div class="copy-row">
      <input id={id} type="text" readonly value={value} spellcheck={false} autocomplete="off" />
      <button type="button" class="secondary" data-copy={id} hidden>
        Copy
      </button>
    </div>
  </div>
);
