/**
 * `tsx bench/profile-apply.ts [--engine pglite|postgres] [--prof FILE]`: the bench's `applyEvent`
 * figure alone, with the statements it sent per event and, with --prof, a CPU profile of it.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { StoreTarget } from '../src/store/open-store.ts';
import { countStatements } from './lib/count-statements.ts';
import { profiled } from './lib/cpu-profile.ts';
import { benchApplyEvent } from './sections/store.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'pglite' },
    disputes: { type: 'string', default: '24' },
    prof: { type: 'string' },
  },
});
const counts = countStatements(60);
const target: StoreTarget =
  values.engine === 'postgres'
    ? { engine: 'postgres', url: process.env.DATABASE_URL ?? '' }
    : { engine: 'pglite', dataDir: null };
const disputes = Number(values.disputes);
const cpu = process.cpuUsage();
const measure = () =>
  benchApplyEvent(values.engine === 'postgres' ? 'PostgreSQL' : 'PGlite', target, {
    applyDisputes: disputes,
    timerSmall: 0,
    timerBig: 0,
  });
let row: Awaited<ReturnType<typeof measure>>;
if (values.prof) {
  const run = await profiled(measure, 200);
  row = run.value;
  writeFileSync(values.prof, JSON.stringify(run.profile));
} else row = await measure();
const events = (disputes + 8) * 5;
const used = process.cpuUsage(cpu);
console.log(
  `${values.engine} applyEvent: ${row.value} events/s, this process's CPU ${((used.user + used.system) / 1000 / events).toFixed(2)} ms per event (with opening and migrating the store)`,
);
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12))
  console.log(`  ${(v / events).toFixed(2)}  ${k}`);
process.exit(0);
