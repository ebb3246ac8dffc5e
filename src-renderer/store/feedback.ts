import { ApiError } from '../api';
import { set } from './studio';

/** Every failure of the person's actions becomes a toast, never a crash. */
let toastId = 0;
export function toast(text: string, kind: 'error' | 'info' = 'error') {
  set({ toast: { kind, text, id: ++toastId } });
}

export async function guarded<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    toast(err instanceof ApiError ? err.message : `Could not reach the studio (${(err as Error).message}).`);
    return undefined;
  }
}
