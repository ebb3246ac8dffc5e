export declare function sqliteBuildDir(root: string): string;
export declare function keepingNodeBuild<T>(buildDir: string, step: () => T): T;
