import { OAuthError } from "./errors";

/**
 * The largest token request accepted. A client assertion from Entra is about 1.5 KB; 16 KB
 * leaves room for long keys and claims while an outsider cannot make the Worker buffer more.
 */
export const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;

const FORM_TYPE = "application/x-www-form-urlencoded";

/**
 * Reads an RFC 6749 §3.2 token request body: form-encoded, each parameter at most once, empty
 * values treated as absent (§3.1). The body is read as a stream and abandoned past the cap, so
 * a large or endless body costs at most the cap. Not Hono's bodyLimit: its refusal happens in a
 * middleware, outside the handler that answers in the RFC 6749 shape and audits the refusal (P23).
 */
export async function readTokenForm(req: Request): Promise<Map<string, string>> {
  const type = req.headers.get("Content-Type")?.split(";")[0].trim().toLowerCase();
  if (type !== FORM_TYPE) throw new OAuthError("invalid_request", `The token request must be ${FORM_TYPE}.`);
  const declared = Number(req.headers.get("Content-Length") ?? "0");
  if (declared > MAX_TOKEN_REQUEST_BYTES) throw tooLarge();
  const text = await readCapped(req);
  const params = new Map<string, string>();
  const seen = new Set<string>();
  for (const [key, value] of new URLSearchParams(text)) {
    if (seen.has(key)) throw new OAuthError("invalid_request", `The parameter "${key.slice(0, 40)}" is repeated.`);
    seen.add(key);
    if (value !== "") params.set(key, value);
  }
  return params;
}

async function readCapped(req: Request): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_TOKEN_REQUEST_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(all);
  } catch {
    throw new OAuthError("invalid_request", "The token request is not valid UTF-8.");
  }
}

const tooLarge = () => new OAuthError("invalid_request", `The token request exceeds ${MAX_TOKEN_REQUEST_BYTES} bytes.`);
