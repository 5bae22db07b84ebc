import { afterEach, describe, expect, it } from "vitest";
import { matchesResource } from "../../src/scim/filter/evaluate";
import { parseFilter } from "../../src/scim/filter/parser";
import { normalizeResource } from "../../src/scim/normalize";
import { applyPatch } from "../../src/scim/patch";
import { project } from "../../src/scim/projection";
import { USER_RESOURCE } from "../../src/scim/schema/resources";
import { DEFAULT_SETTINGS } from "../../src/settings/settings";
import { type Client, adminClient, createUser, entraUser, eventually, newClient, patchOp, scimError } from "./helpers";

/**
 * `__proto__`, `constructor` and `prototype` as attribute names, filter attributes, PATCH paths
 * and values, and keys of JSON bodies never reach an object's prototype: each is an unknown name
 * (refused or ignored like any other), nothing is polluted, and nothing of Object.prototype is
 * read back as a value.
 */
const NAMES = ["__proto__", "constructor", "prototype"];
const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const CUSTOM = "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User";

/**
 * An object with the names as OWN keys, as `JSON.parse` makes them from a client's text (an
 * object literal's `__proto__` would set the prototype instead); spreading and JSON.stringify
 * keep them as own keys, so the request text carries them.
 */
const hostile = (value: unknown): Record<string, unknown> =>
  JSON.parse(`{${NAMES.map((n) => `"${n}":${JSON.stringify(value)}`).join(",")}}`);
const withKeys = (base: Record<string, unknown>, value: unknown) => ({ ...hostile(value), ...base });

function expectNoPollution() {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty("polluted");
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
}

/** A stored or returned document has none of the names as an own key, at any depth. */
function expectNoHostileKeys(value: unknown) {
  if (Array.isArray(value)) return value.forEach(expectNoHostileKeys);
  if (value === null || typeof value !== "object") return;
  for (const n of NAMES) expect(Object.hasOwn(value, n), `own key ${n}`).toBe(false);
  expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  Object.values(value).forEach(expectNoHostileKeys);
}

const polluter = { polluted: "yes" };

afterEach(expectNoPollution);

describe("prototype keys never reach a prototype", () => {
  it("JSON bodies: POST and PUT with the names at the top, in complex values, in extensions", async () => {
    const c = await newClient();
    const base = entraUser();
    const body = withKeys(
      {
        ...base,
        name: withKeys(base.name as Record<string, unknown>, polluter),
        emails: [withKeys((base.emails as Record<string, unknown>[])[0], polluter)],
        [ENT]: withKeys({ department: "Sales" }, polluter),
        [CUSTOM]: withKeys({}, polluter),
      },
      polluter,
    );
    expect(JSON.stringify(body)).toContain('"__proto__":{"polluted":"yes"}');
    const created = await c.fetch("POST", "/Users", JSON.stringify(body));
    expect(created.status).toBe(201);
    const user = await created.json<Record<string, unknown>>();
    expectNoHostileKeys(user);
    const put = await c.fetch(
      "PUT",
      `/Users/${user.id}`,
      JSON.stringify(withKeys(entraUser({ userName: user.userName }), { prototype: polluter })),
    );
    expect(put.status).toBe(200);
    expectNoHostileKeys(await put.json());
    expectNoHostileKeys(await (await c.get(`/Users/${user.id}`)).json());
    expectNoHostileKeys(normalizeResource(body, USER_RESOURCE).doc);
  });

  it("PATCH paths naming them are refused and change nothing", async () => {
    const c = await newClient();
    const user = await createUser(c);
    const before = await (await c.get(`/Users/${user.id}`)).text();
    for (const path of [
      ...NAMES,
      "__proto__.polluted",
      "constructor.prototype.polluted",
      "name.__proto__",
      "name.constructor",
      `${ENT}:__proto__`,
      'emails[__proto__ eq "x"].value',
    ]) {
      for (const op of ["add", "replace", "remove"]) {
        const res = await c.patch(`/Users/${user.id}`, patchOp({ op, path, value: polluter }));
        expect(res.status, `${op} ${path}`).toBe(400);
        await scimError(res);
      }
    }
    expect(await (await c.get(`/Users/${user.id}`)).text()).toBe(before);
  });

  it("PATCH values carrying them (pathless and complex) do not store them", async () => {
    const c = await newClient();
    const user = await createUser(c);
    const value = withKeys({ title: "Engineer", name: withKeys({ givenName: "Ann" }, polluter) }, polluter);
    const res = await c.fetch("PATCH", `/Users/${user.id}`, JSON.stringify(patchOp({ op: "add", value })));
    expect(res.status).toBe(204);
    const after = await (await c.get(`/Users/${user.id}`)).json<Record<string, any>>();
    expect(after.title).toBe("Engineer");
    expect(after.name.givenName).toBe("Ann");
    expectNoHostileKeys(after);
    expectNoHostileKeys(applyPatch({ userName: "a" }, [{ op: "add", value }], USER_RESOURCE).doc);
  });

  it("filter attributes naming them are refused (SQL) and never match (in memory)", async () => {
    const c = await newClient();
    await createUser(c);
    for (const filter of [
      '__proto__ eq "x"',
      "constructor pr",
      'prototype eq "x"',
      'name.__proto__ eq "x"',
      'emails[constructor eq "x"]',
    ]) {
      const res = await c.get(`/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.status, filter).toBe(400);
      expect((await scimError(res)).scimType).toBe("invalidFilter");
      const groups = await c.get(`/Groups?filter=${encodeURIComponent(filter)}`);
      expect(groups.status, filter).toBe(400);
    }
    expect(() => matchesResource(parseFilter("constructor pr"), { userName: "a" }, USER_RESOURCE)).toThrow();
  });

  it("attributes and excludedAttributes naming them select nothing of the prototype", async () => {
    const c = await newClient();
    const user = await createUser(c);
    const res = await c.get(`/Users/${user.id}?attributes=${NAMES.join(",")},name.constructor`);
    expect(res.status).toBe(200);
    expectNoHostileKeys(await res.json());
    expectNoHostileKeys(project({ id: "1", userName: "a" }, USER_RESOURCE, { attributes: NAMES.join(",") }));
  });

  it("template variables: a custom attribute named constructor renders empty when the user has no value (P19)", async () => {
    const admin = await adminClient();
    expect((await admin.post("/custom-attributes", { name: "constructor" })).status).toBe(201);
    try {
      const put = await admin.put("/settings", {
        autoInvite: true,
        inviteSubject: "Hi ${givenName}",
        inviteBody: "[${constructor}]",
      });
      expect(put.status).toBe(200);
      const c: Client = await newClient();
      const u = await createUser(c);
      const mail = await eventually(async () => {
        const m = await (await admin.get("/mail")).json<any>();
        return m.mail.find((x: any) => x.userId === u.id) ?? null;
      });
      expect(mail.body).toBe("[]");
    } finally {
      const { autoInvite, inviteSubject, inviteBody } = DEFAULT_SETTINGS;
      await admin.put("/settings", { autoInvite, inviteSubject, inviteBody });
      await admin.del("/custom-attributes/constructor");
    }
  });

  it("P25 an LDAP attribute named constructor is carried over by the takeover like any other", async () => {
    const admin = await adminClient("globex");
    const ldapUser = entraUser();
    const imported = await admin.post("/import", {
      users: [{ ...ldapUser, source: "ldap", ldapAttributes: { constructor: "C-1" } }],
    });
    expect(imported.status).toBe(201);
    try {
      const c = await newClient("globex");
      const res = await c.post("/Users", entraUser({ userName: ldapUser.userName }));
      expect(res.status).toBe(201);
      expect((await res.json<any>())[CUSTOM]).toEqual({ constructor: "C-1" });
    } finally {
      await admin.del("/custom-attributes/constructor");
    }
  });
});
