/**
 * What every message on the EVENTS queue carries, version 1: its tenant and the outbox rows it
 * names (docs/storage.md). The full message (events/types.ts EventMessage) adds what the layers
 * above put in it; the binding is typed with this envelope so this layer names none of theirs.
 */
export interface QueueEnvelope {
  v: 1;
  tenant: string;
  ids: string[];
}
