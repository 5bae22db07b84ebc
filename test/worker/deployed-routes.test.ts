import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { Env } from "../../src/platform/env";
import { tenantDb } from "./helpers";

/**
 * The deployed Worker (src/index.ts) has no benchmark routes: they live in the bench's own entry
 * under test/bench/worker/, so no variable, set by mistake or not, can open an unauthenticated
 * D1 write on the production entry.
 */
describe("the production entry", () => {
  const benchEnv = { ...(env as unknown as Env), BENCH: "1" } as Env;

  async function fetchProduction(method: string, path: string): Promise<Response> {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`https://scim.test${path}`, { method, body: method === "POST" ? "{}" : undefined }),
      benchEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  }

  it.each([
    ["GET", "/bench/acme/read"],
    ["POST", "/bench/acme/write"],
  ])("answers %s %s with 404 even with BENCH=1 set, and writes nothing", async (method, path) => {
    const res = await fetchProduction(method, path);
    expect(res.status).toBe(404);
    const probe = await tenantDb("acme").prepare("SELECT value FROM settings WHERE key = 'benchProbe'").first();
    expect(probe).toBeNull();
  });
});
