import type { Child, FC, PropsWithChildren } from "hono/jsx";

/* Form controls of the console: each with its label, hint and error wired to it (aria). */

/** A labelled control with its hint and, after a refused submit, its error right beside it. */
export const Field: FC<PropsWithChildren<{ id: string; label: string; hint?: Child; error?: string }>> = ({
  id,
  label,
  hint,
  error,
  children,
}) => (
  <div class={`field${error ? " invalid" : ""}`}>
    <label for={id}>{label}</label>
    {children}
    {hint && (
      <p class="hint" id={`${id}-hint`}>
        {hint}
      </p>
    )}
    {error && (
      <p class="error" id={`${id}-error`} role="alert">
        {error}
      </p>
    )}
  </div>
);

/** aria-describedby for a control of a Field. */
export const describedBy = (id: string, hint: boolean, error?: string) =>
  [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

/** A labelled select; `options` are [value, label] pairs, the one equal to `value` selected. */
export const Choice: FC<{
  id: string;
  label: string;
  value: string | undefined;
  options: readonly (readonly [string, string])[];
  hint?: string;
  error?: string;
}> = ({ id, label, value, options, hint, error }) => (
  <Field id={id} label={label} hint={hint} error={error}>
    <select
      id={id}
      name={id}
      aria-describedby={describedBy(id, !!hint, error)}
      aria-invalid={error ? "true" : undefined}
    >
      {options.map(([v, l]) => (
        <option value={v} selected={(value ?? "") === v}>
          {l}
        </option>
      ))}
    </select>
  </Field>
);

/** A filter's options: "any" first, then each value of a closed list, labelled (default: as is). */
export const anyOf = (any: string, values: readonly string[], label: (v: string) => string = (v) => v) => [
  ["", any] as const,
  ...values.map((v) => [v, label(v)] as const),
];

/** A date and time in UTC (`datetime-local`), with its error beside it: the Activity and Audit filters. */
export const DateTimeField: FC<{ id: string; label: string; value: string | undefined; error?: string }> = ({
  id,
  label,
  value,
  error,
}) => (
  <Field id={id} label={label} error={error}>
    <input
      id={id}
      name={id}
      type="datetime-local"
      value={value ?? ""}
      aria-invalid={error ? "true" : undefined}
      aria-describedby={describedBy(id, false, error)}
    />
  </Field>
);
