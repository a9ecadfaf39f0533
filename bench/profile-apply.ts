/**
 * `tsx bench/profile-apply.ts [--engine pglite|postgres] [--prof FILE]`: the bench's `applyEvent`
 * figure alone, with the statements it sent per event and, with --prof, a CPU profile of it.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { StoreTarget } from '../src/store/open-store.ts';
import { benchApplyEvent } from './sections/store.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'pglite' },
    disputes: { type: 'string', default: '24' },
    prof: { type: 'string' },
  },
});
const counts = new Map<string, number>();
const count = (text: unknown) => {
  const sqlText = typeof text === 'string' ? text : String((text as { text?: string })?.text ?? '?');
  const key = sqlText.replace(/\s+/g, ' ').trim().slice(0, 60);
  counts.set(key, (counts.get(key) ?? 0) + 1);
};
const pgQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  count(args[0]);
  return (pgQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pgQuery;
for (const name of ['query', 'exec'] as const) {
  const original = PGlite.prototype[name] as (...a: unknown[]) => unknown;
  (PGlite.prototype as unknown as Record<string, unknown>)[name] = function (
    this: PGlite,
    ...args: unknown[]
  ) {
    count(args[0]);
    return original.apply(this, args);
  };
}
const post = (session: Session, method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
  );
const target: StoreTarget =
  values.engine === 'postgres'
    ? { engine: 'postgres', url: process.env.DATABASE_URL ?? '' }
    : { engine: 'pglite', dataDir: null };
const session = new Session();
if (values.prof) {
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
  await post(session, 'Profiler.start');
}
const disputes = Number(values.disputes);
const cpu = process.cpuUsage();
const row = await benchApplyEvent(values.engine === 'postgres' ? 'PostgreSQL' : 'PGlite', target, {
  applyDisputes: disputes,
  timerSmall: 0,
  timerBig: 0,
});
if (values.prof) {
  const { profile } = (await post(session, 'Profiler.stop')) as { profile: unknown };
  writeFileSync(values.prof, JSON.stringify(profile));
}
const events = (disputes + 8) * 5;
const used = process.cpuUsage(cpu);
console.log(
  `${values.engine} applyEvent: ${row.value} events/s, this process's CPU ${((used.user + used.system) / 1000 / events).toFixed(2)} ms per event (with opening and migrating the store)`,
);
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12))
  console.log(`  ${(v / events).toFixed(2)}  ${k}`);
process.exit(0);
