/**
 * RFC 7644 3.7 end to end, against the Worker under `wrangler dev`: one /Bulk request of 1,000
 * operations (users, groups whose members are the users' bulkIds, PATCHes addressed by bulkId),
 * and a request that fails mid-way with failOnErrors.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { scimFetch, startBlackbox, type Blackbox } from "./harness.ts";

let box: Blackbox;

beforeAll(async () => {
  box = await startBlackbox();
});

afterAll(async () => {
  await box?.stop();
});

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

const user = (key: string) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
  userName: `${key}@bulk.example.com`,
  externalId: key,
  active: true,
  displayName: `User ${key}`,
  emails: [{ primary: true, type: "work", value: `${key}@bulk.example.com` }],
  name: { givenName: `Given ${key}`, familyName: "Bulk" },
});

const bulk = async (body: unknown) => {
  const res = await scimFetch(box, "/Bulk", { method: "POST", body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

const findUser = async (userName: string) => {
  const res = await scimFetch(box, `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
  return ((await res.json()) as any).Resources as any[];
};

it("runs 1,000 operations in one request, bulkId references included", async () => {
  const GROUPS = 10;
  const USERS = 950;
  const ops: unknown[] = [];
  // Each group comes first and names its members by bulkIds declared later (a forward reference).
  for (let g = 0; g < GROUPS; g++) {
    ops.push({
      method: "POST",
      path: "/Groups",
      bulkId: `g${g}`,
      data: {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: `Bulk group ${g} ${box.slug}`,
        members: Array.from({ length: 5 }, (_, i) => ({ value: `bulkId:u${g * 5 + i}` })),
      },
    });
  }
  for (let i = 0; i < USERS; i++) ops.push({ method: "POST", path: "/Users", bulkId: `u${i}`, data: user(`bb${i}`) });
  // 30 managers set by bulkId, and 10 PATCHes of the groups (by bulkId path) adding 3 members each.
  for (let i = 0; i < 30; i++) {
    ops.push({
      method: "PATCH",
      path: `/Users/bulkId:u${100 + i}`,
      data: { schemas: [PATCH], Operations: [{ op: "replace", path: `${ENTERPRISE}:manager`, value: "bulkId:u0" }] },
    });
  }
  for (let g = 0; g < GROUPS; g++) {
    ops.push({
      method: "PATCH",
      path: `/Groups/bulkId:g${g}`,
      data: {
        schemas: [PATCH],
        Operations: [
          { op: "add", path: "members", value: [0, 1, 2].map((k) => ({ value: `bulkId:u${500 + g * 3 + k}` })) },
        ],
      },
    });
  }
  expect(ops).toHaveLength(1000);

  const { status, body } = await bulk({
    schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
    Operations: ops,
  });
  expect(status).toBe(200);
  expect(body.Operations).toHaveLength(1000);
  const bad = body.Operations.filter((o: any) => !["200", "201"].includes(o.status));
  expect(bad).toEqual([]);

  const idOf = (bulkId: string) =>
    (body.Operations.find((o: any) => o.bulkId === bulkId).location as string).split("/").pop() as string;
  const group = (await (await scimFetch(box, `/Groups/${idOf("g3")}`)).json()) as any;
  expect(group.members.map((m: any) => m.value).sort()).toEqual(
    [15, 16, 17, 18, 19, 509, 510, 511].map((i) => idOf(`u${i}`)).sort(),
  );
  const managed = (await (await scimFetch(box, `/Users/${idOf("u129")}`)).json()) as any;
  expect(managed[ENTERPRISE].manager.value).toBe(idOf("u0"));
  const listed = (await (
    await scimFetch(box, `/Users?count=1&filter=${encodeURIComponent('userName sw "bb"')}`)
  ).json()) as any;
  expect(listed.totalResults).toBe(USERS);
});

it("stops at failOnErrors mid-way: the operations before stand, nothing after is written", async () => {
  const keys = Array.from({ length: 8 }, (_, i) => `ff${i}-${box.slug}`);
  const ops = keys.map((k, i) => ({
    method: "POST",
    path: "/Users",
    bulkId: `f${i}`,
    // The 3rd and 5th have no email (refused: an email address is required).
    data: i === 2 || i === 4 ? { ...user(k), emails: [] } : user(k),
  }));
  const { status, body } = await bulk({
    schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
    failOnErrors: 2,
    Operations: ops,
  });
  expect(status).toBe(200);
  expect(body.Operations.map((o: any) => o.status)).toEqual(["201", "201", "400", "201", "400"]);
  expect(body.Operations[2].response).toMatchObject({ status: "400", scimType: "invalidValue" });
  for (const [i, k] of keys.entries()) {
    expect((await findUser(`${k}@bulk.example.com`)).length, k).toBe([0, 1, 3].includes(i) ? 1 : 0);
  }
});
