/**
 * A small sample directory for `npm start` (and the console's browser tests), written through
 * the service's own front doors: the admin API's import for the pre-SCIM sources (local, LDAP,
 * the older Entra ID user source) and SCIM for what Entra would provision. So every page of the
 * console has something to show, with sources that differ.
 */
const SCIM_JSON = "application/scim+json";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

export interface SampleTarget {
  tenantUrl: string;
  adminApiUrl: string;
  scimToken: string;
  adminToken: string;
}

const person = (userName: string, given: string, family: string, extra: Record<string, unknown> = {}) => ({
  userName,
  displayName: `${given} ${family}`,
  name: { givenName: given, familyName: family },
  emails: [{ value: userName, type: "work", primary: true }],
  ...extra,
});

async function call(
  url: string,
  token: string,
  method: string,
  body: unknown,
  contentType = "application/json",
): Promise<{ id: string } | null> {
  const res = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": contentType },
    body: JSON.stringify(body),
  });
  if (!res.ok)
    throw new Error(`${method} ${new URL(url).pathname} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res.status === 204 ? null : res.json();
}

export async function seedSampleDirectory(t: SampleTarget): Promise<{ users: number; groups: number }> {
  await call(`${t.adminApiUrl}/import`, t.adminToken, "POST", {
    users: [
      { source: "local", ...person("avery.local@contoso.com", "Avery", "Stone") },
      { source: "local", ...person("blake.local@contoso.com", "Blake", "Rivera") },
      {
        source: "ldap",
        ...person("casey.ldap@contoso.com", "Casey", "Nguyen"),
        ldapAttributes: { custAttr1: "B-1001" },
      },
      {
        source: "ldap",
        ...person("devon.ldap@contoso.com", "Devon", "Okafor"),
        ldapAttributes: { custAttr1: "B-1002" },
      },
      { source: "entra-user-source", ...person("emery.eus@contoso.com", "Emery", "Schmidt") },
    ],
    groups: [
      {
        displayName: "Warehouse (LDAP)",
        source: "ldap",
        members: ["casey.ldap@contoso.com", "devon.ldap@contoso.com"],
      },
      { displayName: "Front desk", source: "local", members: ["avery.local@contoso.com", "blake.local@contoso.com"] },
    ],
  });
  const people = [
    ["ann.lee", "Ann", "Lee", "Sales"],
    ["bo.chen", "Bo", "Chen", "Sales"],
    ["carla.diaz", "Carla", "Diaz", "Engineering"],
    ["dan.evans", "Dan", "Evans", "Engineering"],
    ["eli.fox", "Eli", "Fox", "Support"],
    ["fay.gold", "Fay", "Gold", "Support"],
  ];
  const ids: Record<string, string> = {};
  for (const [handle, given, family, department] of people) {
    const u = await call(
      `${t.tenantUrl}/Users`,
      t.scimToken,
      "POST",
      {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        externalId: `entra-${handle}`,
        active: true,
        ...person(`${handle}@contoso.com`, given, family),
        title: department === "Engineering" ? "Engineer" : "Associate",
        [ENTERPRISE]: { department, employeeNumber: String(1000 + Object.keys(ids).length) },
      },
      SCIM_JSON,
    );
    ids[handle] = u!.id; // a POST /Users answers 201 with the user
  }
  for (const [name, members] of [
    ["Sales", ["ann.lee", "bo.chen"]],
    ["Engineering", ["carla.diaz", "dan.evans"]],
    ["Support", ["eli.fox", "fay.gold"]],
  ] as const) {
    await call(
      `${t.tenantUrl}/Groups`,
      t.scimToken,
      "POST",
      {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: name,
        externalId: `entra-${name}`,
        members: members.map((m) => ({ value: ids[m] })),
      },
      SCIM_JSON,
    );
  }
  // Entra suspends a user who leaves (P9: a DELETE would do the same).
  await call(
    `${t.tenantUrl}/Users/${ids["fay.gold"]}`,
    t.scimToken,
    "PATCH",
    {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", path: "active", value: false }],
    },
    SCIM_JSON,
  );
  return { users: 5 + people.length, groups: 2 + 3 };
}
