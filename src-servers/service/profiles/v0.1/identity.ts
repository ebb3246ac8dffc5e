import { PREFIX } from '../../../protocol/constants.js';
import type { ServiceContext } from '../../context.js';
import { newId } from '../../secrets.js';

export interface AssertedIdentity {
  iss?: string;
  sub?: string;
  email?: string;
  emailVerified: boolean;
  phoneNumber?: string;
  phoneNumberVerified: boolean;
  name?: string;
}

/**
 * PROTOCOL.md §2 user matching: a prior delegation (iss, sub) → a user with the same verified
 * email → the same verified phone → a new user. Only verified identifiers ever match or get
 * stored, and the (iss, sub) delegation is remembered so the next ID-JAG matches directly even if
 * the email changed at the provider. Call inside a transaction.
 */
export function matchUser(ctx: ServiceContext, who: AssertedIdentity, registrationId: string): string {
  const { users } = ctx.store;
  const at = ctx.now();
  const email = who.emailVerified && who.email ? who.email.toLowerCase() : undefined;
  const phone = who.phoneNumberVerified && who.phoneNumber ? who.phoneNumber : undefined;

  let userId = who.iss && who.sub ? users.delegatedUser(who.iss, who.sub) : undefined;
  userId ??= email ? users.byEmail(email)?.id : undefined;
  userId ??= phone ? users.byPhone(phone)?.id : undefined;
  if (!userId) {
    userId = newId(PREFIX.user);
    // Do not steal an identifier another user already holds (e.g. a phone matched nobody but the email did).
    users.insert({
      id: userId,
      email: email && !users.byEmail(email) ? email : null,
      phone_number: phone && !users.byPhone(phone) ? phone : null,
      name: who.name ?? null,
      created_at: at,
    });
    ctx.audit('user.created', registrationId, { user_id: userId, email: email ?? null });
  }
  if (who.iss && who.sub && !users.delegatedUser(who.iss, who.sub)) {
    users.addDelegation(who.iss, who.sub, userId, at);
    ctx.audit('delegation.created', registrationId, { iss: who.iss, sub: who.sub, user_id: userId });
  }
  return userId;
}
