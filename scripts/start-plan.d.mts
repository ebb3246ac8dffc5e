import type { NativeBuildNeeded } from './electron-native.mjs';
export declare const FALLBACK_LINE: string;
export declare function nativeFallbackLine(reason: string): string;
export declare const BUILD_OUTPUTS: string[];
export declare const BUILD_INPUTS: string[];
export type BuildNeeded = { build: false } | { build: true; reason: string };
export declare function buildNeeded(root: string): BuildNeeded;
export type StartPlan =
  | { mode: 'web'; lines: string[]; reason: string }
  | { mode: 'electron'; lines: string[]; binary: string; args: string[]; build: BuildNeeded; native: NativeBuildNeeded };
export declare function planStart(opts: { root: string; platform?: string; uid?: number }): StartPlan;
export type BrowserOpener = { open: true; command: string; args: string[] } | { open: false; reason: string };
export declare function browserOpener(opts?: { platform?: string; env?: Record<string, string | undefined> }): BrowserOpener;
