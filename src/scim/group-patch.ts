import { badRequest } from "./errors";
import type { Filter, PatchPath } from "./filter/ast";
import { isPlainObject } from "./normalize";
import { type PatchOp, parsePath, readPatchOps } from "./patch-ops";
import { formatRef } from "./resolve";
import { GROUP_SCHEMA } from "./schema/group";

/**
 * A group PATCH split into membership changes, which storage applies as id lists in SQL, and the
 * other operations (displayName, externalId) for applyPatch: a group of 50,000 members is never
 * loaded to be patched. How storage reads it:
 * - `replaceMembers` set: the members become exactly this list (`add`/`remove` are then empty);
 * - else `removeAllMembers`: every current member goes, then `add` joins (`remove` is empty);
 * - else `add` joins and `remove` leaves (disjoint sets).
 */
export interface GroupPatchPlan {
  add: string[];
  remove: string[];
  replaceMembers?: string[];
  removeAllMembers: boolean;
  other: PatchOp[];
}

const MEMBERS = "members";
const MEMBERS_URN = `${GROUP_SCHEMA}:${MEMBERS}`.toLowerCase();

/** The ops are applied in order: `add X` then `remove X` leaves X out. */
export function planGroupPatch(ops: unknown): GroupPatchPlan {
  const plan = new Plan();
  for (const op of readPatchOps(ops)) {
    if (op.path === undefined) planPathless(plan, op);
    else planWithPath(plan, op, op.path);
  }
  return plan.result();
}

class Plan {
  private add = new Set<string>();
  private remove = new Set<string>();
  private replace?: Set<string>;
  private removeAll = false;
  readonly other: PatchOp[] = [];

  join(ids: string[]) {
    for (const id of ids) {
      if (this.replace) this.replace.add(id);
      else {
        this.remove.delete(id);
        this.add.add(id);
      }
    }
  }

  leave(ids: string[]) {
    for (const id of ids) {
      if (this.replace) this.replace.delete(id);
      else {
        this.add.delete(id);
        if (!this.removeAll) this.remove.add(id);
      }
    }
  }

  leaveAll() {
    this.replace = undefined;
    this.removeAll = true;
    this.add.clear();
    this.remove.clear();
  }

  replaceWith(ids: string[]) {
    this.replace = new Set(ids);
    this.removeAll = false;
    this.add.clear();
    this.remove.clear();
  }

  result(): GroupPatchPlan {
    const out: GroupPatchPlan = {
      add: [...this.add],
      remove: [...this.remove],
      removeAllMembers: this.removeAll,
      other: this.other,
    };
    if (this.replace) out.replaceMembers = [...this.replace];
    return out;
  }
}

const isMembersKey = (key: string) => key.toLowerCase() === MEMBERS || key.toLowerCase() === MEMBERS_URN;

/** `{"op":"replace","value":{"displayName":"x","members":[...]}}`: members split out, the rest kept. */
function planPathless(plan: Plan, op: PatchOp) {
  if (!isPlainObject(op.value)) {
    plan.other.push(op);
    return;
  }
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(op.value)) {
    if (!isMembersKey(key)) rest[key] = value;
    else if (op.op === "replace") plan.replaceWith(memberIds(value));
    else plan.join(memberIds(value));
  }
  if (Object.keys(rest).length > 0) plan.other.push({ op: op.op, value: rest });
}

function planWithPath(plan: Plan, op: PatchOp, text: string) {
  const path = parsePath(text);
  const part = membersPart(path);
  if (!part) {
    plan.other.push(op);
    return;
  }
  if (path.sub !== undefined || part !== MEMBERS) {
    throw badRequest(
      "mutability",
      `"${text}": the sub-attributes of a member are immutable; add or remove the member instead.`,
    );
  }
  if (path.filter) {
    if (op.op !== "remove")
      throw badRequest("invalidPath", `"${text}": members are added with path "members", not with a filter.`);
    plan.leave(idsOf(path.filter, text));
    return;
  }
  if (op.op === "add") plan.join(memberIds(op.value));
  else if (op.op === "replace") plan.replaceWith(memberIds(op.value));
  // Entra's legacy form removes listed members with a value; only a remove without one empties the group.
  else if (op.value === undefined || op.value === null) plan.leaveAll();
  else plan.leave(memberIds(op.value));
}

/** "members", "members.value" or the same under the Group schema URN; undefined for other paths. */
function membersPart(path: PatchPath): string | undefined {
  const full = formatRef(path.attr).toLowerCase();
  const prefix = `${GROUP_SCHEMA.toLowerCase()}:`;
  const bare = full.startsWith(prefix) ? full.slice(prefix.length) : full;
  return bare === MEMBERS || bare.startsWith(`${MEMBERS}.`) ? bare : undefined;
}

/**
 * `members[value eq "id"]` (Entra's aadOptscim062020 removal), also `or`-ed. Any other filter
 * would need the member list loaded to evaluate, which is what this plan exists to avoid.
 */
function idsOf(filter: Filter, text: string): string[] {
  if (filter.kind === "or") return [...idsOf(filter.left, text), ...idsOf(filter.right, text)];
  const isValueEq =
    filter.kind === "compare" &&
    filter.op === "eq" &&
    !filter.attr.uri &&
    filter.attr.names.length === 1 &&
    filter.attr.names[0].toLowerCase() === "value" &&
    typeof filter.value === "string";
  if (!isValueEq)
    throw badRequest("invalidFilter", `"${text}": members are selected by id only, as in members[value eq "id"].`);
  return [filter.value as string];
}

/**
 * Member values in every form clients send (PATCH values, POST and PUT bodies): `[{"value":"id","display":"x","$ref":null}]`, one
 * object, or bare ids (`"id"`, `["id1","id2"]`; Microsoft's Postman collection sends a string).
 * Also the members of a POST/PUT body, so both refuse a `type: "Group"` member the same way (P14).
 */
export function memberIds(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  const ids = items.map((item, i) => {
    if (typeof item === "string" && item.trim() !== "") return item;
    if (!isPlainObject(item))
      throw badRequest(
        "invalidValue",
        `members[${i}] must be an object with a "value" (the member id) or an id string.`,
      );
    const field = (name: string) => item[Object.keys(item).find((k) => k.toLowerCase() === name) ?? ""];
    const id = field("value");
    if (typeof id !== "string" || id.trim() === "")
      throw badRequest("invalidValue", `members[${i}].value must be a non-empty string (the member id).`);
    const type = field("type");
    // P14: only users are members; nested groups are not supported.
    if (typeof type === "string" && type.toLowerCase() !== "user") {
      throw badRequest(
        "invalidValue",
        `members[${i}] has type "${type}": only users can be members of a group (nested groups are not supported).`,
      );
    }
    return id;
  });
  return [...new Set(ids)];
}
