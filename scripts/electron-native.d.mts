export declare const NATIVE_DIR: string;
export declare const ELECTRON_HEADERS_URL: string;
export declare function electronBindingFile(nodeModules: string, sqliteVersion: string, electronVersion: string, platform?: string, arch?: string): string;
export type ElectronNativeTarget =
  | { ok: true; sqliteDir: string; sqliteVersion: string; electronVersion: string; file: string }
  | { ok: false; reason: string };
export declare function electronNativeTarget(root: string, opts?: { platform?: string; arch?: string }): ElectronNativeTarget;
export type NativeBuildNeeded = { build: false; file: string } | { build: true; reason: string; file?: string };
export declare function nativeBuildNeeded(root: string, opts?: { platform?: string; arch?: string }): NativeBuildNeeded;
export declare function prepareElectronNative(
  root: string,
  opts?: { log?: (line: string) => void; env?: Record<string, string | undefined> },
): { ok: true; file: string; how: string } | { ok: false; reason: string };
