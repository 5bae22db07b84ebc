import { COUNT_CAP, type ConnectionFacts } from "../../admin/services/connect";
import { counted } from "../ui";

/**
 * The Connect page's live steps, worded once here: the page renders these sentences and the
 * status route sends the same ones to connect.js, so a reload and a live tick always agree.
 */
export type LiveStep = "credential" | "test" | "provision";

export interface StepState {
  id: LiveStep;
  done: boolean;
  text: string;
  /** Something the admin should act on (a refused probe). */
  warning?: string;
}

export interface ConnectState {
  steps: StepState[];
  /** connect.js polls while this is true. */
  open: boolean;
}

/** `2026-12-07T12:00:01.123Z` as the console shows times elsewhere: `2026-12-07 12:00:01 UTC`. */
const when = (iso: string) =>
  iso
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC")
    .replace(/Z$/, " UTC");

/** Entra's Test Connection looks up a random GUID as a userName; nothing else does. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const REFUSAL: Record<string, string> = {
  revoked: "a token that no longer works (it was replaced)",
  missing: "no token",
};
const refusalWords = (reason: string) => REFUSAL[reason] ?? "a token we do not know";

function credentialStep(f: ConnectionFacts): StepState {
  const parts = [
    ...(f.oauth.clients > 0 ? [`${counted(f.oauth.clients, "OAuth client")} ready`] : []),
    ...(f.oauth.federations > 0 ? [`${counted(f.oauth.federations, "federation")} ready`] : []),
    ...(f.scimToken ? [`SCIM token created ${when(f.scimToken.created)}`] : []),
  ];
  return parts.length
    ? { id: "credential", done: true, text: `${parts.join("; ")}.` }
    : { id: "credential", done: false, text: "No credential yet: create one below." };
}

function testStep(f: ConnectionFacts): StepState {
  const seen = f.scimToken?.lastRequest;
  const tokenAt = f.oauth.lastTokenRequest;
  let step: StepState;
  if (seen && (!tokenAt || seen.at >= tokenAt)) {
    const probe = seen.method === "GET" && seen.path === "/Users" && GUID.test(seen.userName ?? "");
    step = {
      id: "test",
      done: true,
      text: probe
        ? `Entra's Test Connection arrived at ${when(seen.at)} with the SCIM token. Save in Entra, then go on.`
        : `Entra is connected with the SCIM token: its last request, ${seen.method} ${seen.path}, arrived at ${when(seen.at)}.`,
    };
  } else if (tokenAt) {
    step = {
      id: "test",
      done: true,
      text: `Entra got an access token from the OAuth token endpoint at ${when(tokenAt)}. Save in Entra, then go on.`,
    };
  } else if (f.lastRequest) {
    step = {
      id: "test",
      done: false,
      text: `A SCIM request arrived at ${when(f.lastRequest)} with a credential that is no longer current. Waiting for Entra's Test Connection with the current one…`,
    };
  } else {
    step = { id: "test", done: false, text: "Waiting for Entra's Test Connection…" };
  }
  // Refusals are counted per isolate and reported late (with the tenant's next message), so one
  // reported after a success may be older than it: they matter only while the step is open.
  const refused = step.done ? [] : f.refused.filter((r) => !f.lastRequest || r.at > f.lastRequest);
  if (refused.length > 0) {
    const n = refused.reduce((sum, r) => sum + r.count, 0);
    step.warning =
      `Entra tried with ${refusalWords(refused[0].reason)}: ${counted(n, "request")} refused, the last reported at ` +
      `${when(refused[0].at)}. Paste the current credential into Entra's Admin Credentials, or create a new one above.`;
  }
  return step;
}

function provisionStep(f: ConnectionFacts): StepState {
  const { users, groups } = f.provisioned;
  const n = (x: number, one: string) =>
    x > COUNT_CAP ? `${COUNT_CAP.toLocaleString("en")}+ ${one}s` : counted(x, one);
  return users + groups > 0
    ? {
        id: "provision",
        done: true,
        text: `Provisioning has started: ${n(users, "user")} and ${n(groups, "group")} arrived from Entra.`,
      }
    : {
        id: "provision",
        done: false,
        text: "Waiting for the first provisioning cycle: no user or group has arrived from Entra yet.",
      };
}

export function connectState(f: ConnectionFacts): ConnectState {
  const steps = [credentialStep(f), testStep(f), provisionStep(f)];
  return { steps, open: steps.some((s) => !s.done) };
}
