import { TOKEN_TYPE_ID_JAG } from '../protocol/constants.js';
import { offers, type AuthorizationServerMetadata } from './discovery.js';
import type { Method } from './types.js';

/**
 * AUTH.md's decision tree: which way to register, given what the service offers and what
 * the agent holds. The agent records *why*, so a learner can follow the choice.
 *
 *   holds a provider session, and the service accepts ID-JAGs → ID-JAG (no user interaction
 *       beyond consent, the user is identified at once)
 *   knows only the user's email, and the service accepts verified_email → verified email
 *       (the service proves the email with a one-time code); on a v0.6 service, which lists
 *       service_auth instead → service auth (the person signs in at the service and confirms a code)
 *   otherwise, and the service allows it → anonymous (an API key now, claimed later)
 */

export interface Wallet {
  /** The agent's provider, when it holds a session there for the user. */
  providerSession?: { issuer: string; email: string };
  /** The user's email, when the user has told the agent. */
  email?: string;
}

export interface DecisionInput {
  metadata: AuthorizationServerMetadata;
  wallet: Wallet;
  /** Methods already ruled out by an earlier answer, with the reason (e.g. invalid_issuer). */
  excluded?: Partial<Record<Method, string>>;
}

export type Decision = { method: Method; why: string[] } | { method: null; why: string[] };

export function decide({ metadata, wallet, excluded = {} }: DecisionInput): Decision {
  const can = offers(metadata);
  const why: string[] = [];

  // 1. ID-JAG: the strongest — the provider vouches for the user (PROTOCOL.md §2).
  if (wallet.providerSession) {
    why.push(`I hold a session at the provider ${wallet.providerSession.issuer} for ${wallet.providerSession.email}`);
    if (excluded['id-jag']) why.push(`but ID-JAG is ruled out: ${excluded['id-jag']}`);
    else if (can.idJag) {
      why.push(`the service lists ${TOKEN_TYPE_ID_JAG} in assertion_types_supported`);
      return { method: 'id-jag', why };
    } else why.push(`but the service does not list ${TOKEN_TYPE_ID_JAG} in assertion_types_supported`);
  } else {
    why.push('I hold no session at an agent provider, so I cannot get an ID-JAG');
  }

  // 2. Verified email: the service checks the address itself with a one-time code.
  const email = wallet.email ?? wallet.providerSession?.email;
  if (email) {
    why.push(`I know your email address (${email})`);
    if (excluded['verified-email'] && !can.serviceAuth) why.push(`but verified email is ruled out: ${excluded['verified-email']}`);
    else if (can.verifiedEmail && !excluded['verified-email']) {
      why.push('the service lists verified_email in assertion_types_supported');
      return { method: 'verified-email', why };
    } else if (can.serviceAuth) {
      // PROTOCOL-v0.6.md §2 service_auth: the email goes as a login_hint and the service checks it itself when you
      // sign in, so an email your provider would not vouch for may still go this way.
      if (excluded['service-auth']) why.push(`but service auth is ruled out: ${excluded['service-auth']}`);
      else {
        why.push('the service lists service_auth in identity_types_supported (it checks your email itself)');
        return { method: 'service-auth', why };
      }
    } else why.push('but the service does not list verified_email in assertion_types_supported');
  } else {
    why.push('I do not know your email address');
  }

  // 3. Anonymous: a key now with pre-claim scopes; you claim it later to attach it to you.
  if (excluded.anonymous) why.push(`anonymous is ruled out: ${excluded.anonymous}`);
  else if (can.anonymous) {
    why.push('the service lists anonymous in identity_types_supported');
    return { method: 'anonymous', why };
  } else why.push('the service does not offer anonymous registration');

  why.push('no registration method is left: I have to stop and tell you');
  return { method: null, why };
}
