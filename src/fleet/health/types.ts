/**
 * The per-tenant health row a cell keeps current (docs/fleet.md, "Tenant health"): the figures
 * the queue consumer already has, folded in once per batch per tenant, and the facts read from
 * the tenant's database when the row is refreshed (at most hourly). Plain data: the Durable
 * Object stores it, the state rules (states.ts) read it, the API and the view show it.
 */
export interface Window {
  requests: number;
  failures: number;
}

/** One tenant's figures from one consumer batch. */
export interface BatchActivity {
  tenant: string;
  /** Authenticated SCIM requests (Entra's), counted per 10-minute bucket start (ms). */
  buckets: { start: number; requests: number; failures: number }[];
  /** Newest authenticated request in the batch (ms), null when it carried none. */
  lastEntra: number | null;
  /** Any request seen, unauthenticated ones included (ms). */
  firstSeen: number | null;
  lastSeen: number | null;
  /** At least one authenticated request succeeded. */
  connected: boolean;
}

export interface CredentialFact {
  clientId: string;
  name: string;
  expires: string;
}

export interface EndpointFact {
  url: string;
  state: "failing" | "disabled" | "dead-lettered";
  since: string;
  failedAttempts: number;
  deadLettered: number;
  action: string | null;
}

/** Read from the tenant's database when the row is refreshed, never per view. */
export interface RefreshedFacts {
  onboarded: string | null;
  suspension: { reason: string; at: string } | null;
  /** Active OAuth clients whose secret expires within the warning window (soonest first). */
  credentials: CredentialFact[];
  endpoints: EndpointFact[];
}

export interface HealthRow {
  tenant: string;
  firstSeen: string | null;
  lastSeen: string | null;
  lastEntra: string | null;
  everConnected: boolean;
  lastHour: Window;
  last24h: Window;
  /** Start of the newest run of 10-minute buckets over the failing ratio, within 24 h. */
  failingSince: string | null;
  /** First bucket with failures within 24 h (the quarantine count's start). */
  failures24hSince: string | null;
  facts: RefreshedFacts | null;
  refreshed: string | null;
}
