import type { Child, FC } from "hono/jsx";
import { Field, describedBy } from "../ui";

/** A labelled text (or number) input that keeps what was typed and shows its error beside it. */
export const TextField: FC<{
  id: string;
  label: string;
  value?: string;
  error?: string;
  hint?: Child;
  type?: "text" | "number" | "url";
  min?: number;
  max?: number;
  placeholder?: string;
}> = ({ id, label, value, error, hint, type = "text", min, max, placeholder }) => (
  <Field id={id} label={label} hint={hint} error={error}>
    <input
      id={id}
      name={id}
      type={type}
      required
      min={min}
      max={max}
      value={value ?? ""}
      placeholder={placeholder}
      aria-describedby={describedBy(id, Boolean(hint), error)}
      aria-invalid={error ? "true" : undefined}
      autocomplete="off"
      spellcheck={false}
    />
  </Field>
);
