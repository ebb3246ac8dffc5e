/**
 * Protocol versions the app speaks, as profiles (DESIGN.md rule 8). One service instance speaks
 * one profile end to end: `v0.1` is docs/PROTOCOL.md, `v0.6` is docs/PROTOCOL-v0.6.md.
 */
export const PROFILE_IDS = ['v0.1', 'v0.6'] as const;
export type ProfileId = (typeof PROFILE_IDS)[number];
export const DEFAULT_PROFILE: ProfileId = 'v0.1';

export const isProfileId = (v: unknown): v is ProfileId => PROFILE_IDS.includes(v as ProfileId);
