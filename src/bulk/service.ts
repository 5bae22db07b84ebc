import { coalescedDatabase } from "../db/coalesced";
import { commit } from "../events/commit";
import { refusedEvent } from "../events/refusals";
import type { OutboxEvent } from "../events/types";
import type { GroupSequencer } from "../groups/sequencer";
import { referencesOf, withReferencesResolved } from "../scim/bulk-refs";
import { BULK_REF_PREFIX, type BulkOperation, type BulkRequest } from "../scim/bulk-request";
import { ScimError } from "../scim/errors";
import type { TenantContext } from "../tenants/context";
import { locationOf, runOperation, versionOf } from "./operation";

/** RFC 7644 3.7.3: one entry of a BulkResponse's Operations. */
export interface BulkResult {
  method: string;
  bulkId?: string;
  location?: string;
  version?: string;
  status: string;
  response?: unknown;
}

/** POSTs run together, their writes sent as one D1 batch, this many at a time. */
const WAVE_SIZE = 100;

interface Pending {
  op: BulkOperation;
  refs: string[];
}

/**
 * Runs a BulkRequest's operations (RFC 7644 3.7). Each operation is its single request (see
 * operation.ts); what bulk adds is the order, bulkId references and `failOnErrors`:
 * - Operations run in request order, except that one referring to a bulkId whose POST comes
 *   later waits for it (3.7.2 lets a client refer forward). Once one waits, only POSTs (new
 *   resources, which nothing earlier can have touched) run ahead of it.
 * - A reference to a bulkId that no operation declares, or whose POST failed, fails with 409
 *   `invalidValue`; references that wait on each other in a cycle fail with 409 too (3.7.2 lets
 *   a service provider stop after a failed attempt at a circular reference).
 * - Consecutive POSTs run together through one coalesced D1 handle (db/coalesced.ts): their
 *   writes go as one batch, in order. With `failOnErrors`, a wave never holds more operations
 *   than errors still allowed, so processing stops right after the error that reaches it and
 *   nothing after that error was written (3.7.3).
 * - Every refused operation is audited as its single request would be (P23), in one write.
 */
export async function runBulk(
  t: TenantContext,
  request: BulkRequest,
  sequencer: () => GroupSequencer,
  baseUrl: string,
): Promise<BulkResult[]> {
  const results = new Map<number, BulkResult>();
  const declared = new Set(request.operations.flatMap((o) => (o.bulkId !== undefined ? [o.bulkId] : [])));
  const created = new Map<string, string>();
  const failedIds = new Set<string>();
  const refused: OutboxEvent[] = [];
  const allowed = request.failOnErrors ?? Number.POSITIVE_INFINITY;
  let errors = 0;
  const coalesced: TenantContext = { ...t, db: coalescedDatabase(t.db) };

  const fail = (op: BulkOperation, err: ScimError, path = op.path) => {
    errors++;
    if (op.bulkId !== undefined) failedIds.add(op.bulkId);
    results.set(op.index, { ...head(op), status: String(err.status), response: err.toJSON() });
    refused.push(refusedEvent("scim", op.method, path, err));
  };
  const succeed = (op: BulkOperation, outcome: Awaited<ReturnType<typeof runOperation>>) => {
    if (op.method === "POST" && op.bulkId !== undefined) created.set(op.bulkId, outcome.id);
    const version = versionOf(outcome);
    results.set(op.index, {
      ...head(op),
      location: locationOf(baseUrl, op, outcome.id),
      ...(version ? { version } : {}),
      status: String(outcome.status),
    });
  };
  /** Runs operations whose references are all resolved, at once; outcomes recorded in request order. */
  const runWave = async (ops: BulkOperation[], ctx: TenantContext) => {
    const resolved = ops.map((op) => withReferencesResolved(op, (id) => created.get(id) as string));
    const settled = await Promise.allSettled(resolved.map((op) => runOperation(ctx, sequencer, op)));
    settled.forEach((s, i) => {
      if (s.status === "fulfilled") succeed(ops[i], s.value);
      else fail(ops[i], asScimError(s.reason), resolved[i].path.replace(/[^/]+$/, resolved[i].target ?? "$&"));
    });
  };

  let pending: Pending[] = request.operations.map((op) => ({ op, refs: referencesOf(op) }));
  while (pending.length && errors < allowed) {
    const waiting: Pending[] = [];
    let wave: BulkOperation[] = [];
    const flushWave = async () => {
      if (wave.length) await runWave(wave, wave.length > 1 ? coalesced : t);
      wave = [];
    };
    for (const p of pending) {
      if (errors >= allowed) break;
      const unresolvable = p.refs.find((r) => !declared.has(r) || failedIds.has(r));
      const ready = !unresolvable && p.refs.every((r) => created.has(r));
      if (!ready && !unresolvable) {
        waiting.push(p);
        continue;
      }
      if (waiting.length && p.op.method !== "POST") {
        waiting.push(p);
        continue;
      }
      if (unresolvable !== undefined) {
        await flushWave();
        if (errors >= allowed) break;
        fail(p.op, unresolved(unresolvable, declared.has(unresolvable)));
        continue;
      }
      const canJoin = p.op.method === "POST" && wave.length < Math.min(WAVE_SIZE, allowed - errors);
      if (!canJoin) {
        await flushWave();
        if (errors >= allowed) break;
      }
      wave.push(p.op);
      if (p.op.method !== "POST") await flushWave();
    }
    await flushWave();
    if (waiting.length === pending.length) {
      // Nothing could run: what is left waits on itself (a cycle of references).
      for (const p of waiting) {
        if (errors >= allowed) break;
        fail(p.op, new ScimError(409, circularDetail(p), "invalidValue"));
      }
      break;
    }
    pending = waiting;
  }
  await auditRefusals(t, refused);
  return [...results.keys()].sort((a, b) => a - b).map((i) => results.get(i) as BulkResult);
}

const head = (op: BulkOperation) => ({ method: op.method, ...(op.bulkId !== undefined ? { bulkId: op.bulkId } : {}) });

const unresolved = (bulkId: string, declaredHere: boolean) =>
  new ScimError(
    409,
    declaredHere
      ? `The operation refers to "${BULK_REF_PREFIX}${bulkId}", whose POST failed; nothing was changed by this operation.`
      : `The operation refers to "${BULK_REF_PREFIX}${bulkId}", which no POST of this request declares.`,
    "invalidValue",
  );

const circularDetail = (p: Pending) =>
  `The operation's references (${p.refs.map((r) => BULK_REF_PREFIX + r).join(", ")}) wait on each other in a cycle; nothing was changed by this operation. Create the resources first, then link them in a later operation.`;

/** A refusal is the operation's answer; anything else is a bug, logged, answered as the single request's 500. */
function asScimError(e: unknown): ScimError {
  if (e instanceof ScimError) return e;
  console.error(JSON.stringify({ msg: "bulk operation failed", error: String((e as Error)?.stack ?? e) }));
  return new ScimError(500, "The service could not complete the operation.");
}

/** P23: refused operations in the audit log, in one write; best effort like the gate's own refusal audit. */
async function auditRefusals(t: TenantContext, events: OutboxEvent[]): Promise<void> {
  if (!events.length) return;
  try {
    await commit(t, [], events);
  } catch (e) {
    console.warn(JSON.stringify({ msg: "could not record refused bulk operations", error: String(e) }));
  }
}
