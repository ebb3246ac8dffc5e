export declare const REPO_ROOT: string;
export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };
export declare function findElectronBinary(root?: string): ElectronBinary;
