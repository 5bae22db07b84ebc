import type { Env } from "../../../src/platform/env";
import type { EventMessage } from "../../../src/events/types";
import { benchRoutes } from "./routes";

/**
 * Puts the baseline routes (/bench/...) in front of a Worker. A prefix test rather than a
 * router, so the SCIM requests the bench measures pay no extra routing. Apart from ./index.ts
 * so that `--rev`/`--src` runs can wrap another copy of src/ (../server.ts writes that entry).
 */
export function benchWorker<T extends ExportedHandler<Env, EventMessage>>(worker: T): T {
  const fetch = worker.fetch!;
  return {
    ...worker,
    fetch: (req, env, ctx) =>
      new URL(req.url).pathname.startsWith("/bench/") ? benchRoutes.fetch(req, env, ctx) : fetch(req, env, ctx),
  };
}
