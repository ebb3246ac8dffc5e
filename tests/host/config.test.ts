import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, parseConfig } from '../../src-servers/host/config.js';
import { parseHostArgs, UsageError } from '../../src-servers/host/cli.js';
import { defaultDataDir } from '../../src-servers/host/dataDir.js';

describe('config file (PROTOCOL.md §9)', () => {
  it('fills every default from an empty file', () => {
    const c = parseConfig({});
    expect(c.service.trustBundledProvider).toBe(true);
    expect(c.service.identityTypes).toEqual({ anonymous: true, verifiedEmail: true, idJag: true });
    expect(c.service.preClaimScopes).toEqual(['api.read']);
    expect(c.service.postClaimScopes).toEqual(['api.read', 'api.write']);
    expect(c.service.otpMaxAttempts).toBe(5);
    expect(c.service.clockSkewSeconds).toBe(60);
    expect(c.service.rateLimits.anonymousPerIpPerHour).toBe(600);
    expect(c.provider.idJagTtlSeconds).toBe(300);
    expect(c.mail.smtpUrl).toBeNull();
  });

  it('names an unknown key by its full path', () => {
    expect(() => parseConfig({ service: { rateLimits: { perMinute: 5 } } })).toThrow(/"service\.rateLimits\.perMinute"/);
    expect(() => parseConfig({ servic: {} })).toThrow(/unknown key "servic"/);
  });

  it('names a key with a bad value', () => {
    expect(() => parseConfig({ service: { otpMaxAttempts: 'five' } })).toThrow(/"service\.otpMaxAttempts"/);
    expect(() => parseConfig({ service: { trustedIssuers: ['not a url'] } })).toThrow(/service\.trustedIssuers\.0/);
  });

  it('reports unreadable files and invalid JSON with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ars-config-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "service": ');
    expect(() => loadConfigFile(bad)).toThrow(ConfigError);
    expect(() => loadConfigFile(bad)).toThrow(/bad\.json: not valid JSON/);
    expect(() => loadConfigFile(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read \(ENOENT\)/);
  });
});

describe('host flags', () => {
  it('parses ports and data options', () => {
    const a = parseHostArgs(['--in-memory', '--service-port', '0', '--provider-port', '4100']);
    expect(a.hostOptions.inMemory).toBe(true);
    expect(a.hostOptions.ports).toMatchObject({ service: 0, provider: 4100 });
  });

  it('rejects a bad port, an unknown flag, and conflicting data options', () => {
    expect(() => parseHostArgs(['--service-port', 'eighty'])).toThrow(UsageError);
    expect(() => parseHostArgs(['--service-port', '70000'])).toThrow(/0 to 65535/);
    expect(() => parseHostArgs(['--bogus'])).toThrow(UsageError);
    expect(() => parseHostArgs(['--in-memory', '--data-dir', '/tmp/x'])).toThrow(/either --data-dir or --in-memory/);
  });

  it('uses the platform app-data folder by default', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux')).toBe('/xdg/agentic-registration-studio/data');
    expect(defaultDataDir({}, 'linux')).toMatch(/\.local\/share\/agentic-registration-studio\/data$/);
    expect(defaultDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/agentic-registration-studio/);
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toContain('agentic-registration-studio');
  });
});
