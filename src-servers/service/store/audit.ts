import type { Db } from '../../db/sqlite.js';

/** Every state change leaves a row (registration.created, claim.requested, otp.generated, …). */
export type AuditType =
  | 'registration.created'
  | 'registration.expired'
  | 'registration.revoked'
  | 'credential.issued'
  | 'credential.scopes_changed'
  | 'claim.requested'
  | 'claim.superseded'
  | 'claim.email_sent'
  | 'otp.generated'
  | 'otp.failed'
  | 'claim.confirmed'
  | 'user.created'
  | 'delegation.created'
  // PROTOCOL-v0.6.md
  | 'registration.step_up'
  | 'registration.bound'
  | 'assertion.issued'
  | 'token.issued'
  | 'token.revoked'
  | 'claim.started'
  | 'claim.code_failed'
  | 'claim.locked'
  | 'session.created'
  | 'session.ended'
  | 'event.received'
  | 'delegation.deleted';

export interface AuditRow {
  id: number;
  at: number;
  type: AuditType;
  registration_id: string | null;
  detail: string;
}

export function auditStore(db: Db) {
  const insert = db.prepare('INSERT INTO audit_events (at, type, registration_id, detail) VALUES (?, ?, ?, ?)');
  const recent = db.prepare<[number], AuditRow>('SELECT * FROM audit_events ORDER BY id DESC LIMIT ?');
  const forRegistration = db.prepare<[string], AuditRow>(
    'SELECT * FROM audit_events WHERE registration_id = ? ORDER BY id',
  );
  return {
    record: (at: number, type: AuditType, registrationId: string | null, detail: Record<string, unknown> = {}) =>
      void insert.run(at, type, registrationId, JSON.stringify(detail)),
    recent: (limit = 200) => recent.all(limit),
    forRegistration: (id: string) => forRegistration.all(id),
  };
}
