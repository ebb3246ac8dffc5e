export declare const SYSTEM_NAMES: string[];
export declare const INSTALL_HINT: string;
export declare const INSTALL_TIMEOUT_S: number;
export type ChromiumFound =
  | { ok: true; path: string; source: 'CHROMIUM_PATH' | 'PATH' | 'playwright' | 'downloaded' }
  | { ok: false; message: string };
export interface ChromiumLookups {
  env: Record<string, string | undefined>;
  onPath: (name: string) => string | undefined;
  isExecutable: (path: string) => boolean;
  playwrightPath: () => string | undefined;
  install: () => boolean;
}
export declare function resolveChromium(io: ChromiumLookups): ChromiumFound;
export declare function findChromium(opts?: {
  env?: Record<string, string | undefined>;
  allowInstall?: boolean;
  log?: (line: string) => void;
}): ChromiumFound;
