import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, createGroup, createUser, entraUser, newClient, patchOp, scimError } from "./helpers";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";

/** The tenant setting dialect: `strict` on globex here, the default `entra` on acme. */
describe("dialect per tenant", () => {
  beforeAll(async () => {
    expect((await (await adminClient("globex")).put("/settings", { dialect: "strict" })).status).toBe(200);
  });
  afterAll(async () => {
    await (await adminClient("globex")).put("/settings", { dialect: "entra" });
  });

  const invalidSyntax = async (res: Response, detail: RegExp) => {
    expect(res.status).toBe(400);
    const err = await scimError(res);
    expect(err.scimType).toBe("invalidSyntax");
    expect(err.detail).toMatch(detail);
  };

  it("strict declares interopProfileConformant in /ServiceProviderConfig; entra does not", async () => {
    const strict = await (await (await newClient("globex")).get("/ServiceProviderConfig")).json<any>();
    expect(strict.interopProfileConformant).toBe(true);
    const entra = await (await (await newClient("acme")).get("/ServiceProviderConfig")).json<any>();
    expect("interopProfileConformant" in entra).toBe(false);
  });

  it("strict refuses unknown attributes and schema URIs (400 invalidSyntax), writing nothing; entra drops them", async () => {
    const strict = await newClient("globex");
    const body = entraUser({ favouriteColour: "green" });
    await invalidSyntax(await strict.post("/Users", body), /Unknown attribute "favouriteColour"/);
    const lookup = await strict.get(`/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}`);
    expect((await lookup.json<any>()).totalResults).toBe(0);
    await invalidSyntax(
      await strict.post(
        "/Users",
        entraUser({ schemas: [USER, "urn:example:params:scim:schemas:extension:x:2.0:User"] }),
      ),
      /"schemas" names "urn:example/,
    );
    await invalidSyntax(
      await strict.post(
        "/Users",
        entraUser({ "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User": { nope: "1" } }),
      ),
      /Unknown attribute/,
    );
    // id and meta are RFC 7643's common attributes: sent back, they are ignored, not refused.
    expect((await strict.post("/Users", entraUser({ id: "mine", meta: { resourceType: "User" } }))).status).toBe(201);

    const entra = await newClient("acme");
    expect((await entra.post("/Users", entraUser({ favouriteColour: "green" }))).status).toBe(201);
  });

  it("strict refuses a PATCH operation without a path and one naming an unknown attribute; with a known path it applies", async () => {
    const strict = await newClient("globex");
    const u = await createUser(strict);
    await invalidSyntax(
      await strict.patch(`/Users/${u.id}`, patchOp({ op: "replace", value: { displayName: "X" } })),
      /Operation 0 has no "path"/,
    );
    // A path naming no attribute is RFC 7644 3.5.2's invalidPath, in either dialect.
    const unknownPath = await strict.patch(
      `/Users/${u.id}`,
      patchOp({ op: "replace", path: "favouriteColour", value: "red" }),
    );
    expect(unknownPath.status).toBe(400);
    expect((await scimError(unknownPath)).scimType).toBe("invalidPath");
    expect((await (await strict.get(`/Users/${u.id}`)).json<any>()).displayName).toBe(u.displayName);
    const ok = await strict.patch(`/Users/${u.id}`, patchOp({ op: "replace", path: "displayName", value: "Y" }));
    expect(ok.status).toBe(204);

    const g = await createGroup(strict);
    await invalidSyntax(
      await strict.patch(`/Groups/${g.id}`, patchOp({ op: "add", value: { members: [{ value: u.id }] } })),
      /no "path"/,
    );
    await invalidSyntax(
      await strict.post("/Groups", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: `G ${crypto.randomUUID()}`,
        owner: "x",
      }),
      /Unknown attribute "owner"/,
    );

    // Entra's own pathless form stays accepted in the default dialect.
    const entra = await newClient("acme");
    const v = await createUser(entra);
    expect((await entra.patch(`/Users/${v.id}`, patchOp({ op: "replace", value: { active: false } }))).status).toBe(
      204,
    );
  });

  it("refuses a dialect that does not exist", async () => {
    expect((await (await adminClient("globex")).put("/settings", { dialect: "lenient" })).status).toBe(400);
  });
});
