/** A mistake in what was asked (bad slug, unknown tenant, full cell, ...): nothing was changed. */
export class TenantUsageError extends Error {
  override name = "TenantUsageError";
}
