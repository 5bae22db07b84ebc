/**
 * `npm run tenant -- suspend|resume|export|import <slug>`: the tenant lifecycle through its cell's
 * fleet API (src/fleet/routes.ts), which does the work inside the Worker (docs/fleet.md,
 * "Lifecycle"). The operator token comes from the environment variable FLEET_TOKEN (never a
 * command-line argument, which shells keep in their history); the cell's URL is its host
 * (`--remote`), the local default, or `--url-base`.
 */
import { createWriteStream, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { cellOfTenant, type Fleet } from "./cells.ts";
import { DEFAULT_URL_BASE, type Output, type ParsedValues } from "./command-line.ts";
import { assertValidSlug } from "./tenants.ts";
import { TenantUsageError } from "./usage-error.ts";

export const FLEET_API_COMMANDS = ["suspend", "resume", "export", "import"] as const;

export async function runFleetApiCommand(
  command: (typeof FLEET_API_COMMANDS)[number],
  context: { fleet: Fleet; values: ParsedValues; slug: string | undefined; io: Output },
): Promise<number> {
  const { fleet, values, slug, io } = context;
  assertValidSlug(slug);
  const cell = cellOfTenant(fleet, slug);
  if (!cell) throw new TenantUsageError(`unknown tenant "${slug}" (in no cell: see \`cell list\`)`);
  const token = process.env.FLEET_TOKEN;
  if (!token) throw new TenantUsageError("set FLEET_TOKEN to the vendor operator token (the Worker keeps its SHA-256)");
  const base = (values["url-base"] ?? (values.remote && cell.host ? `https://${cell.host}` : DEFAULT_URL_BASE)).replace(
    /\/+$/,
    "",
  );
  const url = `${base}/fleet/api/tenants/${slug}/${command}`;
  const headers = { authorization: `Bearer ${token}` };
  let res: Response;
  if (command === "suspend") {
    if (!values.reason) throw new TenantUsageError('suspend needs --reason "<one line Entra shows the customer>"');
    res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ reason: values.reason }) });
  } else if (command === "resume") res = await fetch(url, { method: "POST", headers });
  else if (command === "import") {
    if (!values.file) throw new TenantUsageError("import needs --file <export.ndjson>");
    res = await fetch(url, { method: "POST", headers, body: readFileSync(values.file) });
  } else res = await fetch(url, { headers });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    io.err(`error: ${res.status} ${body?.error?.message ?? res.statusText}`);
    return 1;
  }
  if (command === "export") {
    if (!values.out) throw new TenantUsageError("export needs --out <file.ndjson>");
    await pipeline(Readable.fromWeb(res.body as never), createWriteStream(values.out));
    const last = readFileSync(values.out, "utf8").trimEnd().split("\n").at(-1) ?? "";
    if (!last.includes('"end":true')) {
      io.err(`error: the export of "${slug}" was cut short; ${values.out} is incomplete`);
      return 1;
    }
    io.out(`Exported "${slug}" to ${values.out}: ${last}`);
    return 0;
  }
  io.out(JSON.stringify(await res.json()));
  return 0;
}
