import type { FC } from "hono/jsx";

/** Who an audit entry names, in words: the person's name and email, the key's name, or the actor as stored. */
export const ActorName: FC<{ actor: string; detail: Record<string, unknown> }> = ({ actor, detail }) => {
  const by = detail.by as { kind?: string; name?: unknown; email?: unknown } | undefined;
  if (by?.kind === "person")
    return (
      <span class="actor">
        {String(by.name ?? "")} <span class="muted">({String(by.email ?? "")})</span>
      </span>
    );
  if (by?.kind === "key") return <span class="actor">API key “{String(by.name ?? "")}”</span>;
  return <span class="muted">{actor}</span>;
};
