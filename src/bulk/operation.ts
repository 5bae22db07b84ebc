import type { GroupSequencer } from "../groups/sequencer";
import { createGroup, deleteGroup, patchGroup, replaceGroup } from "../groups/service";
import type { BulkOperation } from "../scim/bulk-request";
import { etagOf } from "../scim/meta";
import { parsePatchBody } from "../scim/patch-body";
import type { TenantContext } from "../tenants/context";
import { scimDeleteUser } from "../users/delete";
import { createUser, patchUser, replaceUser } from "../users/service";

/** What an operation that succeeded answers (RFC 7644 3.7.3: status, location, version). */
export interface OperationOutcome {
  status: number;
  /** The resource's id (a POST's new id, kept for the operations that refer to its bulkId). */
  id: string;
  version?: number;
}

/**
 * One bulk operation through the same service call its single request makes (users/routes.ts,
 * groups/routes.ts): the same rules, the same commit with its events and audit. Its bulkId
 * references are already replaced by ids; a refusal throws the single request's ScimError.
 */
export async function runOperation(
  t: TenantContext,
  sequencer: () => GroupSequencer,
  op: BulkOperation,
): Promise<OperationOutcome> {
  const id = op.target ?? "";
  const pre = op.version !== undefined ? { ifMatch: op.version } : undefined;
  if (op.resource === "Users") {
    switch (op.method) {
      case "POST": {
        const { row } = await createUser(t, op.data);
        return { status: 201, id: row.id, version: row.version };
      }
      case "PUT": {
        const { row } = await replaceUser(t, id, op.data, pre);
        return { status: 200, id, version: row.version };
      }
      case "PATCH": {
        const { row } = await patchUser(t, id, parsePatchBody(op.data), pre);
        return { status: 200, id, version: row.version };
      }
      case "DELETE":
        await scimDeleteUser(t, id, sequencer, pre);
        return { status: 204, id };
    }
  }
  switch (op.method) {
    case "POST": {
      const { row } = await createGroup(t, op.data);
      return { status: 201, id: row.id, version: row.version };
    }
    case "PUT": {
      const { row } = await replaceGroup(sequencer(), id, op.data, pre, false, t.settings.dialect);
      return { status: 200, id, version: row.version };
    }
    case "PATCH": {
      const row = await patchGroup(sequencer(), id, parsePatchBody(op.data), pre, t.settings.dialect);
      return { status: 200, id, version: row.version };
    }
    case "DELETE":
      await deleteGroup(sequencer(), id, pre);
      return { status: 204, id };
  }
}

export const locationOf = (baseUrl: string, op: BulkOperation, id: string) =>
  `${baseUrl}/${op.resource}/${encodeURIComponent(id)}`;

export const versionOf = (o: OperationOutcome) => (o.version !== undefined ? etagOf(o.version) : undefined);
