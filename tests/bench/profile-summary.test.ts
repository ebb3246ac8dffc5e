import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const summarise = (target: string) =>
  spawnSync('npx', ['tsx', 'bench/profile-summary.ts', target, '5'], { encoding: 'utf8', timeout: 60_000 });

/** A V8 .cpuprofile with `ms` of samples in one function of our code and some GC. */
function profile(ms: number) {
  return JSON.stringify({
    nodes: [
      { id: 1, callFrame: { functionName: 'register', url: 'file:///app/src-servers/service/routes/register.ts', lineNumber: 9 } },
      { id: 2, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
    ],
    samples: [1, 1, 1, 2],
    timeDeltas: [ms * 250, ms * 250, ms * 250, ms * 250],
  });
}

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('bench/profile-summary.ts', () => {
  it('says so, and exits 2, when the directory holds no profile', () => {
    dir = mkdtempSync(join(tmpdir(), 'prof-'));
    const r = summarise(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`no .cpuprofile files in ${dir}`);
  });

  it("summarises the biggest profile of a row's directory and says other rounds' hosts are there", () => {
    dir = mkdtempSync(join(tmpdir(), 'prof-'));
    writeFileSync(join(dir, 'CPU.20261129.211745.14627.0.001.cpuprofile'), profile(4000));
    writeFileSync(join(dir, 'CPU.20261129.211758.14656.0.001.cpuprofile'), `${profile(40)}\n`.padEnd(2000));
    const r = summarise(dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('2 host processes were profiled here');
    expect(r.stdout).toContain('14656.0.001.cpuprofile: 0.0 s sampled');
    expect(r.stdout).toMatch(/75\.0 %\s+src-servers\/service\/routes\/register\.ts/);
    expect(r.stdout).toMatch(/25\.0 %\s+\(garbage collector\)/);
  });
});
