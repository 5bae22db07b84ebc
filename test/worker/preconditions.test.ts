import { describe, expect, it } from "vitest";
import { type Client, createGroup, createUser, entraUser, newClient, patchOp, scimError } from "./helpers";

/**
 * RFC 7232 preconditions on Users and Groups: If-Match lists (any entry matches, `*` any
 * existing resource, several headers are one list), If-None-Match on writes, 304 on GET. Every
 * refused write changes nothing.
 */
type Kind = "Users" | "Groups";
const create = (c: Client, kind: Kind) => (kind === "Users" ? createUser(c) : createGroup(c));
const replacement = (kind: Kind, r: Record<string, any>) =>
  kind === "Users"
    ? entraUser({ userName: r.userName, title: "Replaced" })
    : { displayName: `${r.displayName} replaced` };
const headersOf = (pairs: [string, string][]) => {
  const h = new Headers();
  for (const [k, v] of pairs) h.append(k, v);
  return h;
};
/** Repeated headers are appended, as a second header line would be; Headers joins them with ", ". */
const send = (c: Client, method: string, path: string, body: unknown, pairs: [string, string][]) =>
  c.fetch(method, path, body, Object.fromEntries(headersOf(pairs)));

describe.each<Kind>(["Users", "Groups"])("%s", (kind) => {
  const write = (c: Client, r: Record<string, any>, method: string, pairs: [string, string][]) =>
    send(
      c,
      method,
      `/${kind}/${r.id}`,
      method === "PUT"
        ? replacement(kind, r)
        : method === "PATCH"
          ? patchOp({ op: "replace", path: "externalId", value: "changed" })
          : undefined,
      pairs,
    );

  it.each<[string, [string, string][], number]>([
    ["If-Match list with the current version", [["If-Match", 'W/"99999", W/"1"']], 2],
    ["If-Match *", [["If-Match", "*"]], 2],
    [
      "two If-Match headers, the second current",
      [
        ["If-Match", 'W/"99999"'],
        ["If-Match", 'W/"1"'],
      ],
      2,
    ],
    ["If-Match list of stale versions", [["If-Match", 'W/"99999", W/"7"']], 412],
    ["If-Match list mixing a tag and *", [["If-Match", 'W/"99999", *']], 412],
    [
      "two If-Match headers, one stale and one *",
      [
        ["If-Match", 'W/"99999"'],
        ["If-Match", "*"],
      ],
      412,
    ],
    ["If-None-Match *", [["If-None-Match", "*"]], 412],
    ["If-None-Match naming the current version", [["If-None-Match", 'W/"1"']], 412],
    ["If-None-Match naming another version", [["If-None-Match", 'W/"5"']], 2],
  ])("PUT and PATCH with %s", async (_name, pairs, expected) => {
    const c = await newClient();
    for (const method of ["PUT", "PATCH"]) {
      const r = await create(c, kind);
      const before = await (await c.get(`/${kind}/${r.id}`)).text();
      const res = await write(c, r, method, pairs);
      if (expected === 412) {
        expect(res.status, method).toBe(412);
        expect((await scimError(res)).detail.length).toBeGreaterThan(0);
        expect(await (await c.get(`/${kind}/${r.id}`)).text(), method).toBe(before);
      } else {
        expect(res.status, method).toBeLessThan(300);
        const after = await (await c.get(`/${kind}/${r.id}`)).json<any>();
        expect(after.meta.version, method).toBe(`W/"${expected}"`);
      }
    }
  });

  it("DELETE honours If-Match lists and If-None-Match", async () => {
    const c = await newClient();
    const r = await create(c, kind);
    const stale = await write(c, r, "DELETE", [["If-Match", 'W/"5", W/"6"']]);
    expect(stale.status).toBe(412);
    expect((await write(c, r, "DELETE", [["If-None-Match", "*"]])).status).toBe(412);
    expect((await c.get(`/${kind}/${r.id}`)).status).toBe(200);
    expect((await write(c, r, "DELETE", [["If-Match", 'W/"5", W/"1"']])).status).toBe(204);
  });

  it("GET with If-None-Match naming the current version answers 304 without a body", async () => {
    const c = await newClient();
    const r = await create(c, kind);
    const res = await send(c, "GET", `/${kind}/${r.id}`, undefined, [["If-None-Match", `W/"5", ${r.meta.version}`]]);
    expect(res.status).toBe(304);
    expect(res.headers.get("ETag")).toBe(r.meta.version);
    expect(await res.text()).toBe("");
    const changed = await send(c, "GET", `/${kind}/${r.id}`, undefined, [["If-None-Match", 'W/"5"']]);
    expect(changed.status).toBe(200);
    expect((await changed.json<any>()).id).toBe(r.id);
  });
});
