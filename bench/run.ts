/**
 * `npm run bench [-- --quick] [-- --only turns,webhook,store,report,startup] [-- --engine postgresql]`: Concord's own cost on this machine,
 * as one table (issue 15's targets). Every figure is a ratio to a reference measured in the same run
 * (a bare botbuilder echo bot the bench starts itself, or the same figure at a smaller store), or a
 * bound; absolute times are context. PGlite always; PostgreSQL too when DATABASE_URL is set (each run
 * in a schema of its own, dropped afterwards). Loopback only. Never asserted in tests.
 *
 * --quick: smaller sizes (a 2,000-dispute store, a 300-notification burst …) for iterating. The full
 * run builds dist/ first when it is missing (for the built server's figures).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { preparePglite, type StoreTarget } from '../src/store/open-store.ts';
import { printTable, type Row } from './lib/stats.ts';
import { benchReport } from './sections/report.ts';
import { benchStartup } from './sections/startup.ts';
import { benchApplyEvent, benchTimers } from './sections/store.ts';
import { benchTurns } from './sections/turns.ts';
import { benchWebhook } from './sections/webhook.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    /** PGlite or PostgreSQL only (default both, PostgreSQL when DATABASE_URL is set). */
    engine: { type: 'string' },
  },
});
const quick = values.quick ?? false;
const only = new Set((values.only ?? 'turns,webhook,store,report,startup').split(',').map((s) => s.trim()));

const sizes = quick
  ? {
      turns: {
        rounds: 1,
        sequentialTurns: 60,
        conversations: 50,
        turnsEach: 4,
        bigStore: 2_000,
      },
      webhook: { burstPerSecond: 1_000, burstSeconds: 0.5 },
      store: { applyDisputes: 24, timerSmall: 1_000, timerBig: 5_000 },
      report: { disputes: [200, 1_000] },
      startup: { big: 5_000, idleMs: 2_000, build: false },
    }
  : {
      turns: {
        // Medians of 3 rounds, as the issue measured. 50 conversations of 20 turns each: at about
        // 1,000 turns a second a round of 6 each lasted 0.3 s, and one pause moved it by a fifth.
        rounds: 3,
        sequentialTurns: 100,
        conversations: 50,
        turnsEach: 20,
        bigStore: 10_000,
      },
      webhook: { burstPerSecond: 1_000, burstSeconds: 2 },
      // The sizes: timers flat from 1k to 1M open disputes on PostgreSQL (PGlite stops at
      // 20k, store.ts), and the server's RSS flat from 1k to 100k. Copying them in took 32 s and
      // a few seconds here.
      store: { applyDisputes: 40, timerSmall: 1_000, timerBig: 1_000_000 },
      report: { disputes: [1_000, 10_000] },
      startup: { big: 100_000, idleMs: 3_000, settleMs: 45_000, build: true },
    };

const engines: { name: string; target: StoreTarget }[] = [
  { name: 'PGlite', target: { engine: 'pglite', dataDir: null } },
];
const url = process.env.DATABASE_URL;
if (url) engines.push({ name: 'PostgreSQL', target: { engine: 'postgres', url } });
if (values.engine) {
  const keep = engines.filter((e) => e.name.toLowerCase() === values.engine?.toLowerCase());
  engines.splice(0, engines.length, ...keep);
}

// PGlite here runs as the server runs it (`npm start`, `npm run serve`): on V8's baseline
// WebAssembly compiler unless PGLITE_OPTIMISING_COMPILER=on. It holds for this whole process.
const optimisingCompiler = process.env.PGLITE_OPTIMISING_COMPILER === 'on';
void preparePglite({ optimisingCompiler });

const started = Date.now();
const rows: Row[] = [];
const section = async (name: string, fn: () => Promise<Row[] | Row>) => {
  const t = Date.now();
  try {
    const out = await fn();
    rows.push(...(Array.isArray(out) ? out : [out]));
  } catch (error) {
    rows.push({
      figure: `${name}: failed`,
      engine: '',
      value: error instanceof Error ? error.message.slice(0, 200) : String(error),
      reference: '',
      ratio: '',
      target: '',
      met: false,
    });
  }
  process.stderr.write(`bench: ${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
};

for (const { name, target } of engines) {
  if (only.has('turns')) {
    if (target.engine === 'postgres') {
      const schema = `bench_turns_${process.pid}`;
      await section(`turns on ${name}`, () => benchTurns(name, { ...target, schema }, sizes.turns));
      await dropSchema(target.url, schema);
    } else await section(`turns on ${name}`, () => benchTurns(name, target, sizes.turns));
  }
  if (only.has('webhook')) {
    if (target.engine === 'postgres') {
      const schema = `bench_webhook_${process.pid}`;
      await section(`webhook on ${name}`, () => benchWebhook(name, { ...target, schema }, sizes.webhook));
      await dropSchema(target.url, schema);
    } else await section(`webhook on ${name}`, () => benchWebhook(name, target, sizes.webhook));
  }
  if (only.has('store')) {
    await section(`applyEvent on ${name}`, () => benchApplyEvent(name, target, sizes.store));
    await section(`timers on ${name}`, () => benchTimers(name, target, sizes.store));
  }
  if (only.has('report'))
    await section(`past-period report on ${name}`, () => benchReport(name, target, sizes.report));
}
if (only.has('startup')) await section('start-up', () => benchStartup(sizes.startup));

const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
console.log(
  `\nConcord bench${quick ? ' (--quick)' : ''}: ${new Date().toISOString()}, ${cpus().length} cores, load ${load}, Node ${process.version}, ${((Date.now() - started) / 1000).toFixed(0)} s, PGlite on the ${optimisingCompiler ? 'optimising' : 'baseline'} WebAssembly compiler (PGLITE_OPTIMISING_COMPILER=${optimisingCompiler ? 'on' : 'off'})\n`,
);
console.log(printTable(rows));
const notMet = rows.filter((r) => r.met === false);
// A figure with a target that could not be measured (no dist/ for `npm run serve`) is not "met".
const unmeasured = rows.filter((r) => r.met === null && r.target !== '' && r.value === 'not measured');
const verdict = [
  ...(notMet.length ? [`${notMet.length} target(s) not met.`] : []),
  ...(unmeasured.length
    ? [`${unmeasured.length} target(s) not measured: ${unmeasured.map((r) => r.figure).join('; ')}.`]
    : []),
];
console.log(verdict.length ? `\n${verdict.join(' ')}` : '\nEvery target met.');
const explained = notMet.filter((r) => r.why);
if (explained.length > 0) {
  console.log('\nNot met, and why (measured in this run):');
  for (const r of explained) console.log(`- ${r.figure} (${r.engine}): ${r.why}`);
}
process.exit(0);

async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
