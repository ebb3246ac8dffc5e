/**
 * CSP `frame-ancestors` for every role's HTML page (CSP Level 2 §7.7.3): the studio frames the
 * consent page, the claim page and the inbox from its own loopback origin, so loopback may frame
 * them and nobody else may. This replaces X-Frame-Options, which cannot name a port range.
 */
export const FRAME_ANCESTORS = "frame-ancestors 'self' http://127.0.0.1:* http://localhost:*";
