import type { FC } from "hono/jsx";
import type { AuditEntry } from "../../admin/services/audit";
import { Time, type Ui, resourceHref } from "../ui";
import { ActorName } from "./actor";

/** One audit entry: a summary line that expands to its details (no script needed). */
export const AuditDetail: FC<{ entry: AuditEntry; ui: Ui }> = ({ entry: e, ui }) => {
  const link = resourceHref(ui, e.resourceType, e.resourceId);
  return (
    <details class="entry">
      <summary>
        <Time at={e.at} /> <span class={`badge act-${e.action}`}>{e.action}</span>{" "}
        <ActorName actor={e.actor} detail={e.detail} /> {e.resourceType}
        {e.resourceId ? ` ${String(e.detail.userName ?? e.detail.displayName ?? e.resourceId)}` : ""}
      </summary>
      <div class="entry-body">
        {link && (
          <p>
            <a href={link}>Open the {e.resourceType.toLowerCase()}</a>
          </p>
        )}
        <pre>{JSON.stringify(e.detail, null, 2)}</pre>
      </div>
    </details>
  );
};
