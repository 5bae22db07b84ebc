import { Hono } from "hono";
import { readJsonBody } from "../http/body";
import { methodNotAllowed, scimJson } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { BULK_RESPONSE_SCHEMA, parseBulkRequest } from "../scim/bulk-request";
import { runBulk } from "./service";

export const bulkRoutes = new Hono<AppBindings>();

/**
 * RFC 7644 3.7: POST /Bulk. The token is checked before the body is read; a body that
 * is not a well-formed BulkRequest, or beyond the limits, is refused whole before anything runs.
 * The answer is 200 with one result per operation that ran (3.7.3), in request order.
 */
bulkRoutes.post("/", async (c) => {
  const { t } = await c.var.gate.authorize();
  const request = parseBulkRequest(await readJsonBody(c));
  const sequencer = () => c.var.sequencerFor(t);
  const results = await runBulk(t, request, sequencer, c.var.baseUrl);
  return scimJson({ schemas: [BULK_RESPONSE_SCHEMA], Operations: results });
});

bulkRoutes.all("/", methodNotAllowed("POST"));
