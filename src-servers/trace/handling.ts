import type { Actor } from './types.js';

/**
 * Requests the roles are handling right now, newest last, with their step. A role that reports an
 * exchange after the fact (the mailbox's SMTP hand-off) cannot say which step caused it; the
 * request its sender is handling right now (the newest, if several) can.
 */
export function createHandlingStack() {
  const handling: { role: Actor; step?: string }[] = [];
  return {
    /** A role began handling a request in `step`; the returned function says it is done. */
    startHandling(role: Actor, step: string | undefined): () => void {
      const entry = { role, step };
      handling.push(entry);
      return () => {
        const i = handling.indexOf(entry);
        if (i >= 0) handling.splice(i, 1);
      };
    },
    stepOfSender(from: Actor): string | undefined {
      for (let i = handling.length - 1; i >= 0; i--) if (handling[i].role === from && handling[i].step) return handling[i].step;
      return undefined;
    },
  };
}
