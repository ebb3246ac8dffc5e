import { runLoad } from './load.ts';
const url = process.argv[2];
for (let i = 0; i < 3; i++) {
  const r = await runLoad({ url, method: 'GET', connections: 10, durationS: 4 });
  console.log(Math.round(r.requestsPerSec), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2));
}
