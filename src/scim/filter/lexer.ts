import { badRequest, type ScimType } from "../errors";

export type TokenKind = "(" | ")" | "[" | "]" | "string" | "word" | "end";

export interface Token {
  kind: TokenKind;
  /** The source text of the token (with quotes for strings). */
  text: string;
  /** 1-based character position in the input, for error details. */
  pos: number;
  /** The decoded value of a string literal. */
  value?: string;
}

const PUNCTUATION = new Set(["(", ")", "[", "]"]);
const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r";

/**
 * Splits a filter or PATCH path into tokens. Everything that is not punctuation, whitespace or
 * a quoted string is a "word": attribute paths, operators, keywords, numbers and the bare
 * unquoted values some clients send (`userName sw O`); the parser decides by position.
 */
export function tokenize(text: string, scimType: ScimType): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ kind: c as TokenKind, text: c, pos: i + 1 });
      i++;
    } else if (c === '"') {
      const end = stringEnd(text, i, scimType);
      const raw = text.slice(i, end);
      tokens.push({ kind: "string", text: raw, pos: i + 1, value: decodeString(raw, i + 1, scimType) });
      i = end;
    } else {
      const start = i;
      while (i < text.length && !isSpace(text[i]) && !PUNCTUATION.has(text[i]) && text[i] !== '"') i++;
      tokens.push({ kind: "word", text: text.slice(start, i), pos: start + 1 });
    }
  }
  tokens.push({ kind: "end", text: "", pos: text.length + 1 });
  return tokens;
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number, scimType: ScimType): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === "\\") i += 2;
    else if (text[i] === '"') return i + 1;
    else i++;
  }
  throw badRequest(scimType, `Unterminated string starting at position ${start + 1}.`);
}

/** RFC 7644 section 3.4.2.2: compValue strings are JSON strings (RFC 7159), escapes included. */
function decodeString(raw: string, pos: number, scimType: ScimType): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    throw badRequest(
      scimType,
      `Invalid string at position ${pos}: expected a JSON string (escapes \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX, no raw control characters).`,
    );
  }
}

export function describe(token: Token): string {
  return token.kind === "end" ? "the end of the input" : `"${token.text}"`;
}
