/**
 * The process the crash test kills: the real runtime (polling scheduler and outbox worker) with a
 * file-backed sink. The sink does not dedupe: every perform call is a delivery, appended to
 * `deliveries.log` as `<run> <attempt> <key>` (`run` from CRASH_RUN, `attempt` the outbox's claim
 * count), so the test counts every delivery, repeats included.
 *
 * Prints `ready` when running and `idle` when no timer or outbox row is left pending.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { startRuntime } from '../../../src/runtime/runtime.ts';
import type { StoreTarget } from '../../../src/store/open-store.ts';
import { fakeContextFor } from '../fake-decide.ts';
import { feedback } from '../fake-sink.ts';
import { crashDecide } from './plan.ts';

const sinkDir = process.env.CRASH_SINK_DIR ?? '.';
const deliveriesLog = path.join(sinkDir, 'deliveries.log');
const run = process.env.CRASH_RUN ?? '0';

const target: StoreTarget = process.env.CRASH_DATABASE_URL
  ? { engine: 'postgres', url: process.env.CRASH_DATABASE_URL, schema: process.env.CRASH_SCHEMA ?? 'public' }
  : { engine: 'pglite', dataDir: process.env.CRASH_DATA_DIR ?? '.data-crash' };

const runtime = await startRuntime({
  config: { databaseUrl: null, dataDir: '', clock: 'system', nodeEnv: 'test' },
  storeTarget: target,
  decide: crashDecide(),
  contextFor: fakeContextFor,
  pollIntervalMs: 20,
  leaseMs: 1_000,
  instanceId: `child-${process.pid}`,
  performer: {
    async perform(effect, meta) {
      appendFileSync(deliveriesLog, `${run} ${meta.attempt} ${meta.key}\n`);
      // Some latency, so kills land between performing and recording done.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
      return { ok: true, result: { id: meta.key }, events: feedback(effect) };
    },
  },
});
process.stdout.write('ready\n');
process.stderr.write(`ready after ${Math.round(process.uptime() * 1000)} ms\n`);

process.on('SIGTERM', () => {
  void runtime.stop().then(() => process.exit(0));
});

for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 150));
  const timers = await runtime.store.db
    .selectFrom('timers')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  const outbox = await runtime.store.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(timers?.n) === 0 && Number(outbox?.n) === 0) process.stdout.write('idle\n');
}
