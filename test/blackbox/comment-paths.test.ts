import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * A comment that names a file is a promise that the reader can open it. Files move and go; this
 * reads every comment of src/ and test/ and fails on a path that names no file, so a stale
 * reference is found when it is made, not by the next reader. A path counts when it resolves
 * from the repository root, from src/, from the commenting file's folder, or (for a bare file
 * name) anywhere in the tree.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const SKIP = new Set(["node_modules", ".wrangler", ".git", "results", "screenshots", ".tmp"]);

function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full, keep);
    return keep(name) ? [full] : [];
  });
}

/**
 * Files the tools write, which a comment may name though no checkout holds them: the local
 * config `npm start` and local onboarding write, and the bench's reports.
 */
const GENERATED = new Set(["wrangler.local.toml", "ab.md", "ab.json", "bad-token.md", "bad-token.json"]);

const code = [...files(path.join(ROOT, "src"), isCode), ...files(path.join(ROOT, "test"), isCode)];
const everyName = new Set(files(ROOT, () => true).map((f) => path.basename(f)));

function isCode(name: string) {
  return /\.tsx?$/.test(name) && !name.endsWith(".d.ts");
}

/** The text of a file's comments: `// …` to the line's end and `/* … *\/` blocks (strings ignored well enough). */
function comments(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\/\*[\s\S]*?\*\/|(?<![:"'`\w])\/\/[^\n]*/g)) out.push(m[0]);
  return out;
}

// A project path: folders and a file with a known extension, e.g. `src/http/tenant.ts`,
// `users/recent.ts`, `docs/storage.md`, `wrangler.toml`. URLs and npm package paths are not ours.
const PATH = /(?<![\w@:/.-])((?:\.{0,2}\/)?(?:[\w-]+\/)*[\w.-]+\.(?:tsx?|md|toml|sql|json|css|js))(?![\w/])/g;

function resolves(from: string, ref: string): boolean {
  const candidates = [path.join(ROOT, ref), path.join(ROOT, "src", ref), path.resolve(path.dirname(from), ref)];
  if (candidates.some((c) => existsSync(c))) return true;
  return !ref.includes("/") && everyName.has(ref);
}

describe("paths named in comments", () => {
  it("every path a comment names in src/ and test/ is a file of the tree", () => {
    const missing: string[] = [];
    for (const file of code) {
      for (const comment of comments(readFileSync(file, "utf8"))) {
        if (/https?:\/\//.test(comment) && !/\b(src|test|docs)\//.test(comment)) continue;
        for (const m of comment.matchAll(PATH)) {
          const ref = m[1] as string;
          if (ref.startsWith("/") || GENERATED.has(path.basename(ref))) continue; // a route path, or a written file
          if (/^[\w-]+\.(json|js)$/.test(ref) && !everyName.has(ref)) continue; // a generic file kind, e.g. `package.json` is real, `x.js` is not a path
          if (!resolves(file, ref)) missing.push(`${path.relative(ROOT, file)}: ${ref}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
