import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Issue 20: imports run downwards (docs/architecture.md). This reads src/ as text, so it runs in
 * Node, beside the black-box suites, not in workerd. It checks what can be checked without
 * assigning every file a layer: no import cycle at all; nothing imports the entry files; nothing
 * below the routes imports a route or page; the SCIM protocol core (scim/) stays pure; platform/
 * imports nothing of the project; the Node CLI reaches into the Worker only through files with no
 * Worker imports.
 */

const SRC = path.resolve(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [full] : [];
  });
}

// Statements `import … from "./x"` / `export … from "./x"` (type-only ones too) at a line's start,
// so a path quoted in a comment does not count, and dynamic `import("./x")`.
const IMPORT =
  /^\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']|\bimport\(\s*["'](\.{1,2}\/[^"']+)["']/gm;

function resolve(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  throw new Error(`${path.relative(SRC, from)} imports ${spec}, which does not resolve`);
}

const graph = new Map<string, string[]>(
  sourceFiles(SRC).map((file) => {
    const text = readFileSync(file, "utf8");
    return [file, [...text.matchAll(IMPORT)].map((m) => resolve(file, (m[1] ?? m[2]) as string))];
  }),
);
const rel = (f: string) => path.relative(SRC, f);

/** Every cycle's files, found by a depth-first walk (one cycle per back edge). */
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const walk = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push(stack.slice(stack.indexOf(next)).map(rel));
      else if (!state.has(next)) walk(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) walk(file);
  return found;
}

describe("imports in src/ run downwards", () => {
  it("reads a real tree", () => {
    expect(graph.size).toBeGreaterThan(100);
  });

  it("has no import cycle", () => {
    expect(cycles()).toEqual([]);
  });

  /** Every import as "from -> to", relative to src/, where `from` matches `who`. */
  const importsOf = (who: RegExp) =>
    [...graph]
      .filter(([file]) => who.test(rel(file)))
      .flatMap(([file, deps]) => deps.map((d) => [rel(file), rel(d)] as const));
  const ENTRY = /^(index|app|request-services|scim-routes|root-search)\.ts$/;
  // HTTP in and out: the gate, console pages, admin and SCIM routes, the token endpoint.
  const WEB =
    /^(http\/|console\/|admin\/(?!services\/|errors\.ts)[^/]+\.ts$|(users|groups|bulk|roles)\/routes\.ts$|oauth\/(token-endpoint|metadata-route)\.ts$|fleet\/(routes|operator)\.ts$|fleet\/view\/|signin\/routes\.ts$)/;

  it("nothing imports the entry and composition files but themselves", () => {
    expect([...graph.keys()].filter((f) => ENTRY.test(rel(f))).length).toBe(5);
    const up = importsOf(/./).filter(([from, to]) => !ENTRY.test(from) && ENTRY.test(to));
    expect(up.map((p) => p.join(" -> "))).toEqual([]);
  });

  it("services, repositories and the domain import no route or page", () => {
    expect([...graph.keys()].filter((f) => WEB.test(rel(f))).length).toBeGreaterThan(20);
    const up = importsOf(/./).filter(([from, to]) => !ENTRY.test(from) && !WEB.test(from) && WEB.test(to));
    expect(up.map((p) => p.join(" -> "))).toEqual([]);
  });

  it("the SCIM protocol core (scim/) imports only itself and platform/", () => {
    const out = importsOf(/^scim\//).filter(([, to]) => !/^(scim|platform)\//.test(to));
    expect(out.map((p) => p.join(" -> "))).toEqual([]);
  });

  it("platform/ imports nothing of the project outside platform/", () => {
    const upward = [...graph]
      .filter(([file]) => rel(file).startsWith("platform/"))
      .flatMap(([file, deps]) =>
        deps.filter((d) => !rel(d).startsWith("platform/")).map((d) => `${rel(file)} -> ${rel(d)}`),
      );
    expect(upward).toEqual([]);
  });

  it("the Node CLI reaches into the Worker only through a few files with no bindings", () => {
    // Everything the CLI loads outside cli/, transitively: Node runs these files, so they may not
    // grow imports of Worker-only code (bindings, Hono, cloudflare:*) unnoticed.
    const reached = new Set<string>();
    const visit = (file: string) => {
      for (const dep of graph.get(file) ?? []) {
        if (rel(dep).startsWith("cli/") || reached.has(dep)) continue;
        reached.add(dep);
        visit(dep);
      }
    };
    for (const file of graph.keys()) if (rel(file).startsWith("cli/")) visit(file);
    expect([...reached].map(rel).sort()).toEqual([
      "oauth/credentials.ts",
      "platform/base64url.ts",
      "platform/seal.ts",
      "tenants/slug.ts",
      "tenants/token-rows.ts",
      "tenants/tokens.ts",
    ]);
  });
});
