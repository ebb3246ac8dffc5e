import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { serviceConfigSchema } from '../service/config.js';
import { providerConfigSchema } from '../provider/config.js';
import { mailConfigSchema } from '../mailbox/config.js';

/**
 * The host config file (PROTOCOL.md §9): each role owns its part's schema (DESIGN.md rule 7);
 * the host only composes them. Every key optional; unknown keys are an error naming the key.
 */
export const hostConfigSchema = z.strictObject({
  service: serviceConfigSchema.prefault({}),
  provider: providerConfigSchema.prefault({}),
  mail: mailConfigSchema.prefault({}),
});

export type HostConfig = z.infer<typeof hostConfigSchema>;
/** What a caller may pass: any subset of the file's keys. */
export type HostConfigInput = z.input<typeof hostConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validate a parsed config object; the error names each bad key by its dotted path. */
export function parseConfig(input: unknown, source = 'config'): HostConfig {
  const result = hostConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
      return `unknown key ${keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `"${path || '(root)'}": ${issue.message}`;
  });
  throw new ConfigError(`${source}: ${problems.join('; ')}`);
}

export function loadConfigFile(file: string): HostConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseConfig(json, file);
}
