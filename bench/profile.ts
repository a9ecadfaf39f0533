/**
 * `tsx bench/profile.ts [--engine pglite|postgres] [--turn help|mine|risk] [--count N] [--others N]`: one kind of
 * turn, sequentially, against Concord as the bench starts it, printing the p50 and the store
 * statements each turn sent (by their first words). Run it under `node --cpu-prof --import tsx` to
 * see where a turn's time goes. A diagnostic for issue 15's work, not part of the table.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { StoreTarget } from '../src/store/open-store.ts';
import { startConcord } from './lib/concord.ts';
import { countStatements } from './lib/count-statements.ts';
import { profiled } from './lib/cpu-profile.ts';
import { benchPerson, writeBenchDirectory } from './lib/directory.ts';
import { startLoad, type TurnSpec } from './lib/load.ts';
import { cloneDisputes, raise, raisedBy } from './lib/seed.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'pglite' },
    turn: { type: 'string', default: 'help' },
    count: { type: 'string', default: '200' },
    /** Disputes in the store besides the person's own 5 (copies of somebody else's), e.g. 2000. */
    others: { type: 'string', default: '0' },
    /** Write a CPU profile of the measured turns only (node:inspector) to this file. */
    prof: { type: 'string' },
  },
});
const counts = countStatements(70);

const url = process.env.DATABASE_URL;
const target: StoreTarget =
  values.engine === 'postgres'
    ? { engine: 'postgres', url: url ?? '', schema: `bench_profile_${process.pid}` }
    : { engine: 'pglite', dataDir: null };
const directoryFile = writeBenchDirectory(4);
const concord = await startConcord(target, directoryFile);
const load = startLoad();
const service = concord.app.runtime.service;
const person = concord.app.directory.person(benchPerson(0));
if (!person) throw new Error('no bench person');
for (let i = 0; i < 5; i++)
  await raise(service, raisedBy(concord.app.directory.personRef(person), `own-${i}`, 'gateshead'));
const others = Number(values.others);
if (others > 0) {
  const finder = concord.app.directory.person('ane-family-finder');
  if (!finder) throw new Error('no family finder');
  await raise(service, raisedBy(concord.app.directory.personRef(finder), 'other-0', 'newcastle'));
  await cloneDisputes(concord.app.runtime.store, {
    templateId: 'other-0',
    prefix: 'other',
    from: 1,
    count: others - 1,
  });
}
const userPrefix = 'bench-user-';
const turns: Record<string, TurnSpec> = {
  help: { kind: 'text', text: 'help', userPrefix },
  mine: { kind: 'text', text: 'my disputes', userPrefix },
  risk: { kind: 'invoke', verb: 'immediate-risk-no', data: { procedureId: 'ane' }, userPrefix },
};
const turn = turns[values.turn ?? 'help'];
if (!turn) throw new Error(`--turn is one of ${Object.keys(turns).join(', ')}`);
const n = Number(values.count);
await load.sequential(concord.url, concord.connector.serviceUrl, turn, 30);
await new Promise((r) => setTimeout(r, 500));
counts.clear();
const elu = performance.eventLoopUtilization();
const measure = async () => {
  const measured = await load.sequential(concord.url, concord.connector.serviceUrl, turn, n);
  await new Promise((r) => setTimeout(r, 500));
  return measured;
};
let lat: Awaited<ReturnType<typeof measure>>;
if (values.prof) {
  const run = await profiled(measure, 200);
  lat = run.value;
  writeFileSync(values.prof, JSON.stringify(run.profile));
} else lat = await measure();
const busy = performance.eventLoopUtilization(elu).active / n;
console.log(
  `${values.engine} ${values.turn}: p50 ${lat.p50.toFixed(2)} ms, p99 ${lat.p99.toFixed(2)} ms, main thread busy ${busy.toFixed(2)} ms per turn`,
);
console.log('statements per turn (including work the turn queued):');
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${(v / n).toFixed(2)}  ${k}`);
await load.close();
await concord.close();
if (target.engine === 'postgres') {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`drop schema if exists ${target.schema} cascade`);
  await client.end();
}
process.exit(0);
