import type { Filter } from "./filter/ast";
import { type CoerceContext, type ScimDoc, isPlainObject } from "./normalize";
import type { ResolvedAttr } from "./resolve";
import type { ResourceSchema, SchemaDef } from "./schema/types";

/** State of one applyPatch call; the document is a private copy that the ops change in place. */
export interface PatchContext extends CoerceContext {
  doc: ScimDoc;
  resource: ResourceSchema;
  onBlank: (attr: ResolvedAttr) => void;
  /** A blank value clears a single-valued attribute instead of leaving it (PatchOptions.clearBlanks). */
  clearBlanks: boolean;
}

/** Where an op lands once its path is resolved. */
export type Target = { kind: "extension"; schema: SchemaDef } | { kind: "single"; attr: ResolvedAttr } | MultiTarget;

/** `attr` is the multi-valued attribute itself; `sub` what follows it (`emails[...].value`, `emails.value`). */
export interface MultiTarget {
  kind: "multi";
  attr: ResolvedAttr;
  filter?: Filter;
  sub?: ResolvedAttr;
}

/** Parent object of a document path, created on the way when `create` is set. */
export function parentOf(doc: ScimDoc, docPath: string[], create: boolean): Record<string, unknown> | undefined {
  let at: Record<string, unknown> = doc;
  for (const k of docPath.slice(0, -1)) {
    if (!isPlainObject(at[k])) {
      if (!create) return undefined;
      at[k] = {};
    }
    at = at[k] as Record<string, unknown>;
  }
  return at;
}

/** Drops the objects along a path that a removal left empty (`name: {}`, an empty extension). */
export function pruneEmpty(doc: ScimDoc, docPath: string[]) {
  for (let depth = docPath.length - 1; depth > 0; depth--) {
    const parent = parentOf(doc, docPath.slice(0, depth), false);
    const key = docPath[depth - 1];
    const v = parent?.[key];
    if (parent && isPlainObject(v) && Object.keys(v).length === 0) delete parent[key];
  }
}
