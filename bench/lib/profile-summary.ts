/**
 * `tsx bench/lib/profile-summary.ts FILE.cpuprofile [N]`: self time by group (a package under
 * node_modules, a folder of src/, node: internals, the WebAssembly, the garbage collector) and the
 * top N functions, idle left out. For the profiles bench/profile.ts and bench/profile-apply.ts write.
 */
import { readFileSync } from 'node:fs';
import { type CpuProfile, groupProfile } from './cpu-profile.ts';

const [file, top = '30'] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/lib/profile-summary.ts FILE.cpuprofile [N]');
  process.exit(2);
}
const { busyMs, groups, functions } = groupProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
const pct = (ms: number) => `${((100 * ms) / busyMs).toFixed(1)}%`.padStart(6);
console.log(`${busyMs.toFixed(0)} ms of CPU sampled (idle left out)`);
for (const [group, ms] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(pct(ms), group);
console.log('--');
for (const [fn, ms] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
  console.log(pct(ms), fn);
