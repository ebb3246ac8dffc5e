import type { ProviderContext } from './context.js';

/** What the receiver answered, kept on the grant for the studio's state view. */
export interface DeliveryResult {
  at: string;
  uri: string;
  status?: number;
  body?: string;
  error?: string;
}

/** RFC 8935 §2.2 / OIDC Back-Channel Logout §2.8 — only a 2xx answer means the receiver took the token. */
export const delivered = (d: DeliveryResult): boolean => d.status !== undefined && d.status >= 200 && d.status < 300;

/**
 * POST a signed token as the whole body with its own media type: the push both revocation tokens
 * use (a logout token, OIDC Back-Channel Logout §2.5; a SET, RFC 8935 §2). A redirect is not a
 * delivery, and a receiver that does not answer within five seconds has not taken it.
 */
export async function pushToken(ctx: ProviderContext, uri: string, token: string, contentType: string): Promise<DeliveryResult> {
  const at = new Date(ctx.now()).toISOString();
  try {
    const res = await ctx.fetch(uri, {
      method: 'POST',
      headers: { 'Content-Type': contentType, Accept: 'application/json' },
      body: token,
      redirect: 'manual',
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.text()).slice(0, 2_000);
    return { at, uri, status: res.status, body };
  } catch (err) {
    return { at, uri, error: (err as Error).message };
  }
}
