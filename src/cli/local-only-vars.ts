/**
 * Variables that only `npm start` and the tests may set (docs/people.md, docs/events.md): with
 * them, a Worker trusts an identity provider or sends events over plain http on loopback. A
 * deploy whose config sets any of them is refused before anything changes.
 */
import { readFileSync } from "node:fs";

const LOCAL_ONLY = [
  /^\s*SIGNIN_ALLOW_LOOPBACK_HTTP\s*=/m,
  /^\s*WEBHOOKS_ALLOW_LOOPBACK_HTTP\s*=/m,
  /^\s*MICROSOFT_AUTHORITY\s*=\s*["']http:/m,
];

/** The config files (of `paths`) that set a local-only variable, with the line that does. */
export function localOnlyVars(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    const text = readFileSync(path, "utf8");
    return LOCAL_ONLY.flatMap((re) => {
      const m = re.exec(text);
      return m ? [`${path}: ${text.slice(m.index).split("\n", 1)[0].trim()}`] : [];
    });
  });
}
