/**
 * Where did a host child spend its CPU? Summarise a V8 .cpuprofile (from `npm run bench -- --profile DIR`)
 * by self time, per package/file and per function.
 *
 *   npx tsx bench/profile-summary.ts DIR/<row id> [top N]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const target = process.argv[2];
const top = Number(process.argv[3] ?? 20);
if (!target) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts <file.cpuprofile | dir> [top N]\n');
  process.exit(2);
}
// A directory holds one profile per thread (the main thread, and tsx's module-loader worker) of each
// round's host: take the biggest, and say so when there are other rounds' hosts to pick from.
const profiles = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f))
      .sort((a, b) => statSync(b).size - statSync(a).size)
  : [target];
const file = profiles[0];
if (!file) {
  process.stderr.write(`no .cpuprofile files in ${target}\n`);
  process.exit(2);
}
// V8 names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
const hosts = new Set(profiles.map((f) => f.split('.').at(-4)));
if (hosts.size > 1)
  process.stderr.write(`${hosts.size} host processes were profiled here (one per round); this is the biggest profile. Pass a file to see another.\n`);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const selfTime = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
  total += dt;
});

const byPlace = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, t] of selfTime) {
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
  const path = url.replace(/^file:\/\/.*?\/node_modules\//, 'npm:').replace(/^file:\/\/.*?\/(src-servers|bench)\//, '$1/');
  // Group a dependency by package; our own code by file; V8 pseudo-frames ((idle), (garbage collector)) as they are.
  const place = !path ? `(${functionName})` : path.startsWith('npm:') ? path.split('/').slice(0, path.startsWith('npm:@') ? 2 : 1).join('/') : path;
  byPlace.set(place, (byPlace.get(place) ?? 0) + t);
  const fn = `${functionName || '(anonymous)'} ${path || ''}${path ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + t);
}
const show = (title: string, m: Map<string, number>) => {
  process.stdout.write(`${title}\n`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${((100 * v) / total).toFixed(1).padStart(6)} %  ${k}\n`);
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
show('\nself time by package / file', byPlace);
show('\nself time by function', byFunction);
