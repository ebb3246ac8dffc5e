import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPaths, dataDir, protocolDocCandidates, userDataDir } from '../../src-main/paths.js';

describe('desktop paths', () => {
  it('keeps the roles’ data in <userData>/data', () => {
    expect(dataDir(join('/home/a/.config', 'agentic-registration-studio'))).toBe(join('/home/a/.config', 'agentic-registration-studio', 'data'));
  });

  it('names userData after the app folder, not the (dev vs packaged) app name', () => {
    expect(userDataDir('/home/a/.config', {})).toBe(join('/home/a/.config', 'agentic-registration-studio'));
  });

  it('lets STUDIO_USER_DATA_DIR point at a throw-away profile', () => {
    expect(userDataDir('/home/a/.config', { STUDIO_USER_DATA_DIR: '/tmp/e2e-profile' })).toBe('/tmp/e2e-profile');
    expect(userDataDir('/home/a/.config', { STUDIO_USER_DATA_DIR: '' })).toBe(join('/home/a/.config', 'agentic-registration-studio'));
  });

  it('finds the preload and renderer beside the bundled main script', () => {
    expect(buildPaths(join('/app', 'out', 'main'))).toEqual({
      preload: join('/app', 'out', 'preload', 'index.cjs'),
      renderer: join('/app', 'out', 'renderer'),
    });
  });

  it('looks for PROTOCOL.md at the app root, then in docs/', () => {
    expect(protocolDocCandidates('/app')).toEqual([join('/app', 'PROTOCOL.md'), join('/app', 'docs', 'PROTOCOL.md')]);
  });

  it('in a packaged app, opens the unpacked copy: no other program can read inside app.asar', () => {
    const asar = join('/opt', 'Studio', 'resources', 'app.asar');
    expect(protocolDocCandidates(asar)).toEqual([join(`${asar}.unpacked`, 'PROTOCOL.md'), join(`${asar}.unpacked`, 'docs', 'PROTOCOL.md')]);
  });
});
