import { sha256Hex } from "../tenants/tokens";

/** The console's static files, under `src/console/public/` (wrangler.toml `[assets]`). */
export const ASSET_FILES = [
  "/console/app.css",
  "/console/app.js",
  "/console/connect.js",
  "/console/roles.js",
  "/console/icon.svg",
  "/console/microsoft.svg",
] as const;
export type AssetPath = (typeof ASSET_FILES)[number];

/** Per isolate: a deploy replaces the isolate, so a hash never outlives its file. */
const versions = new Map<string, string>();

/**
 * URLs with `?v=<content hash>`, so browsers may keep a file for a year (public/_headers) and
 * still get a changed one at once. The hash is computed from the served file itself, on first
 * use in an isolate (one read from the assets binding), so no build step can leave it stale.
 */
export async function assetUrls(assets: Fetcher | undefined): Promise<Record<AssetPath, string>> {
  const out = {} as Record<AssetPath, string>;
  await Promise.all(
    ASSET_FILES.map(async (path) => {
      let v = versions.get(path);
      if (!v && assets) {
        const res = await assets.fetch(new Request(`https://assets.invalid${path}`));
        if (res.ok) versions.set(path, (v = (await sha256Hex(await res.text())).slice(0, 16)));
      }
      out[path] = v ? `${path}?v=${v}` : path;
    }),
  );
  return out;
}
