import { secureHeaders } from "hono/secure-headers";

/**
 * The security headers of every server-rendered page (the tenant console and the fleet view): no
 * inline script or style anywhere, everything from the Worker's own assets, never framed (CSP's
 * frame-ancestors rules; the legacy X-Frame-Options says the same).
 */
export const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  referrerPolicy: "same-origin",
  crossOriginResourcePolicy: "same-origin",
  xFrameOptions: "DENY",
});
