import { PROFILE_IDS, type ProfileId } from '../../src-servers/protocol/profiles';

/** The profile picked on the last visit (the person's preference, not data: a reset keeps it). */
const STORAGE_KEY = 'studio.profile';

export function rememberedProfile(): ProfileId | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return (PROFILE_IDS as readonly string[]).includes(v ?? '') ? (v as ProfileId) : null;
  } catch {
    return null;
  }
}

export function rememberProfile(p: ProfileId) {
  try {
    localStorage.setItem(STORAGE_KEY, p);
  } catch {
    /* private mode: the switch still works for this visit */
  }
}
