/**
 * /Schemas, /ResourceTypes and /ServiceProviderConfig held against the definitions of RFC 7643
 * §5 (ServiceProviderConfig), §6 (ResourceType), §7 (Schema, attribute characteristics) and
 * their schema representations in §8.7.1-§8.7.2, as a strict client reads them: a field no
 * definition names fails, and so does a missing required one or a value of the wrong type.
 * RFC 9865 §4 adds `pagination` to the ServiceProviderConfig.
 */
import { describe, expect, it } from "vitest";
import { newClient } from "./helpers";

/** A definition: a JSON type, `!` when required, `[]` when multi-valued, or a complex shape. */
type Spec = string | { [field: string]: Spec } | [Spec, "!"?] | { "[]": Spec; required?: boolean };

const META = {
  resourceType: "string",
  created: "string",
  lastModified: "string",
  location: "string",
  version: "string",
};
const ATTRIBUTE_TYPES = ["string", "boolean", "decimal", "integer", "dateTime", "reference", "complex", "binary"];

/** RFC 7643 §5 and RFC 9865 §4. `id` is not used by the ServiceProviderConfig (§5). */
const SERVICE_PROVIDER_CONFIG: Record<string, Spec> = {
  schemas: "string[]!",
  documentationUri: "string",
  patch: [{ supported: "boolean!" }, "!"],
  bulk: [{ supported: "boolean!", maxOperations: "integer!", maxPayloadSize: "integer!" }, "!"],
  filter: [{ supported: "boolean!", maxResults: "integer!" }, "!"],
  changePassword: [{ supported: "boolean!" }, "!"],
  sort: [{ supported: "boolean!" }, "!"],
  etag: [{ supported: "boolean!" }, "!"],
  // §5 names type, name, description, specUri, documentationUri; §2.4 adds `primary` and `display`
  // to every multi-valued complex attribute.
  authenticationSchemes: {
    "[]": {
      type: "string!",
      name: "string!",
      description: "string!",
      specUri: "string",
      documentationUri: "string",
      primary: "boolean",
      display: "string",
    },
    required: true,
  },
  pagination: {
    cursor: "boolean!",
    index: "boolean!",
    defaultPaginationMethod: "string",
    defaultPageSize: "integer",
    maxPageSize: "integer",
    cursorTimeout: "integer",
  },
  meta: META,
};

/** RFC 7643 §6. */
const RESOURCE_TYPE: Record<string, Spec> = {
  schemas: "string[]!",
  id: "string",
  name: "string!",
  description: "string",
  endpoint: "string!",
  schema: "string!",
  schemaExtensions: { "[]": { schema: "string!", required: "boolean!" } },
  meta: META,
};

/** RFC 7643 §7: every characteristic, so a client never has to guess a default. */
const ATTRIBUTE: Record<string, Spec> = {
  name: "string!",
  type: "string!",
  multiValued: "boolean!",
  description: "string!",
  required: "boolean!",
  canonicalValues: "string[]",
  caseExact: "boolean!",
  mutability: "string!",
  returned: "string!",
  uniqueness: "string!",
  referenceTypes: "string[]",
};

const SCHEMA: Record<string, Spec> = {
  schemas: "string[]!",
  id: "string!",
  name: "string",
  description: "string",
  attributes: "attributes!",
  meta: META,
};

function typeOk(type: string, v: unknown): boolean {
  if (type === "string") return typeof v === "string";
  if (type === "boolean") return typeof v === "boolean";
  if (type === "integer") return Number.isInteger(v);
  throw new Error(`no such type ${type}`);
}

/** Every problem of `value` against `shape`, as readable paths. */
function check(value: unknown, shape: Record<string, Spec>, path: string): string[] {
  if (!value || typeof value !== "object" || Array.isArray(value)) return [`${path}: not an object`];
  const errors: string[] = [];
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!(key in shape)) errors.push(`${path}.${key}: not defined by RFC 7643`);
  for (const [key, spec] of Object.entries(shape)) errors.push(...checkField(v[key], spec, `${path}.${key}`));
  return errors;
}

function checkField(v: unknown, spec: Spec, path: string): string[] {
  if (typeof spec === "string") {
    const required = spec.endsWith("!");
    const base = spec.replace(/!$/, "");
    if (v === undefined) return required ? [`${path}: required`] : [];
    if (base === "attributes") return checkAttributes(v, path);
    if (base.endsWith("[]")) {
      if (!Array.isArray(v)) return [`${path}: not an array`];
      return v.flatMap((x, i) => (typeOk(base.slice(0, -2), x) ? [] : [`${path}[${i}]: not ${base.slice(0, -2)}`]));
    }
    return typeOk(base, v) ? [] : [`${path}: not ${base}`];
  }
  if (Array.isArray(spec)) {
    if (v === undefined) return spec[1] === "!" ? [`${path}: required`] : [];
    return checkField(v, spec[0], path);
  }
  if ("[]" in spec) {
    const many = spec as { "[]": Record<string, Spec>; required?: boolean };
    if (v === undefined) return many.required ? [`${path}: required`] : [];
    if (!Array.isArray(v)) return [`${path}: not an array`];
    return v.flatMap((x, i) => check(x, many["[]"], `${path}[${i}]`));
  }
  return v === undefined ? [] : check(v, spec as Record<string, Spec>, path);
}

function checkAttributes(v: unknown, path: string, depth = 0): string[] {
  if (!Array.isArray(v)) return [`${path}: not an array`];
  return v.flatMap((a: Record<string, unknown>, i) => {
    const at = `${path}[${i}:${String(a?.name)}]`;
    const shape = a?.type === "complex" ? { ...ATTRIBUTE, subAttributes: "attributes!" } : ATTRIBUTE;
    const errors = check(a, depth > 0 ? ATTRIBUTE : (shape as Record<string, Spec>), at).filter(
      (e) => !e.endsWith(".subAttributes: required") || a?.type === "complex",
    );
    if (depth > 0 && a?.type === "complex") errors.push(`${at}: a sub-attribute cannot be complex (§2.3.8)`);
    if (!ATTRIBUTE_TYPES.includes(String(a?.type))) errors.push(`${at}.type: not a §2.3 type`);
    if (!["readOnly", "readWrite", "immutable", "writeOnly"].includes(String(a?.mutability)))
      errors.push(`${at}.mutability: not a §7 value`);
    if (!["always", "never", "default", "request"].includes(String(a?.returned)))
      errors.push(`${at}.returned: not a §7 value`);
    if (!["none", "server", "global"].includes(String(a?.uniqueness))) errors.push(`${at}.uniqueness: not a §7 value`);
    // §7: referenceTypes says what a reference may point to; a strict client needs it.
    if (a?.type === "reference" && !Array.isArray(a.referenceTypes))
      errors.push(`${at}: a reference without referenceTypes`);
    if (a?.type !== "reference" && a?.referenceTypes !== undefined)
      errors.push(`${at}: referenceTypes on a ${a?.type}`);
    if (a?.type === "complex") errors.push(...checkAttributes(a.subAttributes, `${at}.subAttributes`, depth + 1));
    return errors;
  });
}

describe("discovery against RFC 7643 §5-§8.7", () => {
  it("the checker refuses what a strict client refuses", () => {
    expect(
      check({ schemas: [], patch: { supported: true }, maxPayloadSize: 1 }, SERVICE_PROVIDER_CONFIG, "spc"),
    ).toEqual(expect.arrayContaining(["spc.maxPayloadSize: not defined by RFC 7643", "spc.bulk: required"]));
    const photo = { name: "value", type: "reference", multiValued: false, description: "", required: false };
    expect(
      checkAttributes(
        [{ ...photo, caseExact: false, mutability: "readWrite", returned: "default", uniqueness: "none" }],
        "a",
      ),
    ).toEqual(["a[0:value]: a reference without referenceTypes"]);
    expect(checkAttributes([{ ...photo, type: "string" }], "a")).toEqual(
      expect.arrayContaining(["a[0:value].caseExact: required", "a[0:value].mutability: required"]),
    );
  });

  it("/ServiceProviderConfig has only fields RFC 7643 §5 and RFC 9865 define", async () => {
    const spc = await (await (await newClient()).get("/ServiceProviderConfig")).json();
    expect(check(spc, SERVICE_PROVIDER_CONFIG, "ServiceProviderConfig")).toEqual([]);
  });

  it("/ResourceTypes: each resource type as RFC 7643 §6 defines it", async () => {
    const c = await newClient();
    const list = await (await c.get("/ResourceTypes")).json<any>();
    // Role: draft-ietf-scim-roles-entitlements (docs/roles.md).
    expect(list.Resources.map((r: any) => r.name)).toEqual(["User", "Group", "Role"]);
    expect(list.Resources.flatMap((r: any, i: number) => check(r, RESOURCE_TYPE, `ResourceTypes[${i}]`))).toEqual([]);
    expect(check(await (await c.get("/ResourceTypes/Group")).json(), RESOURCE_TYPE, "Group")).toEqual([]);
  });

  it("/Schemas: every attribute with every characteristic of RFC 7643 §7, every reference with referenceTypes", async () => {
    const c = await newClient();
    const list = await (await c.get("/Schemas")).json<any>();
    expect(list.Resources.map((s: any) => s.id)).toEqual([
      "urn:ietf:params:scim:schemas:core:2.0:User",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User",
      "urn:ietf:params:scim:schemas:core:2.0:Group",
      "urn:ietf:params:scim:schemas:core:2.0:Role",
    ]);
    expect(list.Resources.flatMap((s: any) => check(s, SCHEMA, s.id))).toEqual([]);
    const photos = list.Resources[0].attributes.find((a: any) => a.name === "photos");
    expect(photos.subAttributes.find((a: any) => a.name === "value").referenceTypes).toEqual(["external"]);
  });

  it("P5 P6 /Schemas declares what the rules require: emails and their value, given and family name", async () => {
    const c = await newClient();
    const user = await (await c.get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")).json<any>();
    const find = (attrs: any[], name: string) => attrs.find((a) => a.name === name);
    const emails = find(user.attributes, "emails");
    const name = find(user.attributes, "name");
    expect(emails.required).toBe(true);
    expect(find(emails.subAttributes, "value").required).toBe(true);
    expect(name.required).toBe(true);
    expect(find(name.subAttributes, "givenName").required).toBe(true);
    expect(find(name.subAttributes, "familyName").required).toBe(true);
    expect(find(name.subAttributes, "formatted").required).toBe(false);
    const texts = JSON.stringify((await (await c.get("/Schemas")).json<any>()).Resources);
    expect(texts).not.toMatch(/\bP\d+\b/);
  });
});
