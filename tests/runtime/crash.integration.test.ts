/**
 * Crash safety. A child process runs the real runtime (scheduler + outbox worker polling loops)
 * while 100 disputes move through timers and effects. The parent SIGKILLs it at random moments,
 * several times, restarting it each time; then lets a last child finish. A file-backed fake sink
 * records every delivery (no dedupe: each perform call counts) with the run it happened in, and shows:
 * - every expected effect delivered, none missing, none extra;
 * - exactly once, except an effect in flight when its run was killed (its batch's lease expires and
 *   the next run performs it again, which Graph's transactionId absorbs in production): never twice
 *   in one run, at most once per run, and a repeat only of one of the last batch a killed run
 *   started;
 * - every timer fired exactly once (one `timer-fired` audit row per timer) and no work left.
 * Runs on PGlite (a DATA_DIR only one process may open: each restart waits for the kill) and on
 * PostgreSQL when DATABASE_URL is set.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createDisputeService } from '../../src/runtime/dispute-service.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { openStore, type StoreTarget } from '../../src/store/open-store.ts';
import { DATABASE_URL, dropSchema, freshSchemaName } from '../store/engines.ts';
import { crashDecide, DISPUTES, expectedEffectKeys, TIMERS_PER_DISPUTE } from './crash/plan.ts';
import { fakeContextFor, raisedEvent } from './fake-decide.ts';

const CHILD = fileURLToPath(new URL('./crash/child.ts', import.meta.url));
const KILLS = 5;

interface Setup {
  readonly name: string;
  readonly target: StoreTarget;
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
/** Every child started, so a failing test never leaves one holding the database. */
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups) await cleanup();
});

function pgliteSetup(dir: string): Setup {
  const dataDir = path.join(dir, 'data');
  return {
    name: 'pglite',
    target: { engine: 'pglite', dataDir },
    env: { CRASH_DATA_DIR: dataDir },
    cleanup: async () => {},
  };
}

function postgresSetup(url: string): Setup {
  const schema = freshSchemaName();
  return {
    name: 'postgres',
    target: { engine: 'postgres', url, schema },
    env: { CRASH_DATABASE_URL: url, CRASH_SCHEMA: schema },
    cleanup: () => dropSchema(url, schema),
  };
}

function startChild(env: Record<string, string>): {
  child: ChildProcess;
  lines: string[];
  waitFor(line: string, ms: number): Promise<void>;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.line === line)) waiter.resolve();
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitFor(line, ms) {
      if (lines.includes(line)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`child did not print "${line}" in ${ms} ms; stderr:\n${stderr}`)),
          ms,
        );
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push({ line, resolve: done });
        void exited.then((code) => {
          if (!lines.includes(line)) {
            clearTimeout(timer);
            reject(new Error(`child exited (${code}) before "${line}"; stderr:\n${stderr}`));
          }
        });
      });
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (lines: string[]) =>
  lines.reduce((map, key) => map.set(key, (map.get(key) ?? 0) + 1), new Map<string, number>());
const readLines = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

const SETUPS: (() => Setup)[] = [
  () => pgliteSetup(mkdtempSync(path.join(tmpdir(), 'concord-crash-'))),
  ...(DATABASE_URL ? [() => postgresSetup(DATABASE_URL as string)] : []),
];

for (const makeSetup of SETUPS) {
  const setup = makeSetup();
  describe(`crash safety on ${setup.name}`, () => {
    it('delivers every effect once (again only if in flight at a kill) and fires every timer once across SIGKILLs', async () => {
      const started = Date.now();
      const sinkDir = mkdtempSync(path.join(tmpdir(), 'concord-crash-sink-'));
      cleanups.push(async () => {
        await setup.cleanup();
        rmSync(sinkDir, { recursive: true, force: true });
        if (setup.target.engine === 'pglite' && setup.target.dataDir) {
          rmSync(path.dirname(setup.target.dataDir), { recursive: true, force: true });
        }
      });

      // Seed: 100 disputes raised, each with 3 timers and a welcome email queued.
      const seedStore = await openStore(setup.target);
      await migrateToLatest(seedStore);
      const clock = { now: () => new Date() };
      const service = createDisputeService({
        store: seedStore,
        decide: crashDecide(),
        contextFor: fakeContextFor,
        clock,
      });
      for (let d = 0; d < DISPUTES; d += 1) {
        const result = await service.applyEvent(`c-${d}`, raisedEvent(`c-${d}`), {
          source: 'teams',
          procedureId: 'ane',
        });
        expect(result.ok).toBe(true);
      }
      await seedStore.close();

      const env = { ...setup.env, CRASH_SINK_DIR: sinkDir };
      // Each kill lands at a random point of real work: after a random number of performs in
      // that run (so mid-batch, between perform and done, or mid-timer), plus a little jitter.
      const deliveriesFile = path.join(sinkDir, 'deliveries.log');
      const killPoints: string[] = [];
      for (let kill = 0; kill < KILLS; kill += 1) {
        const run = startChild({ ...env, CRASH_RUN: String(kill) });
        await run.waitFor('ready', 30_000);
        const readyAt = Date.now();
        const before = readLines(deliveriesFile).length;
        const after = 5 + Math.floor(Math.random() * 70);
        while (readLines(deliveriesFile).length < before + after && Date.now() - readyAt < 4_000)
          await sleep(5);
        await sleep(Math.floor(Math.random() * 30));
        run.child.kill('SIGKILL');
        await run.exited;
        killPoints.push(`+${readLines(deliveriesFile).length - before}@${Date.now() - readyAt}ms`);
      }
      const attemptsBeforeFinal = readLines(deliveriesFile).length;

      const last = startChild({ ...env, CRASH_RUN: String(KILLS) });
      await last.waitFor('ready', 30_000);
      await last.waitFor('idle', 45_000);
      last.child.kill('SIGTERM');
      expect(await last.exited).toBe(0);

      const expected = expectedEffectKeys();
      // Every delivery the sink saw, repeats included: `<run> <attempt> <key>`.
      const deliveries = readLines(deliveriesFile).map((line) => {
        const [run = '', attempt = '', key = ''] = line.split(' ');
        return { run: Number(run), attempt: Number(attempt), key };
      });
      const perKey = new Map<string, { run: number; attempt: number; index: number }[]>();
      deliveries.forEach((d, index) => {
        perKey.set(d.key, [...(perKey.get(d.key) ?? []), { run: d.run, attempt: d.attempt, index }]);
      });
      // Every expected effect delivered; nothing unexpected.
      expect([...perKey.keys()].sort()).toEqual([...expected].sort());
      // Never twice in one run: a repeat without a crash would be a real double delivery.
      const twiceInARun = [...perKey].filter(([, ds]) => new Set(ds.map((d) => d.run)).size !== ds.length);
      expect(twiceInARun.map(([key]) => key)).toEqual([]);
      // A repeat only of an effect in flight at a kill: its earlier deliveries are in killed runs,
      // each among the last batch that run started.
      const claimBatch = seedStore.profile.claimBatch;
      const lastOfRun = new Map<number, number>();
      for (const [index, d] of deliveries.entries()) lastOfRun.set(d.run, index);
      const unexplained: string[] = [];
      for (const [key, ds] of perKey) {
        for (const earlier of ds.slice(0, -1)) {
          const runEnd = lastOfRun.get(earlier.run) ?? -1;
          const tail = deliveries
            .slice(0, runEnd + 1)
            .filter((d) => d.run === earlier.run)
            .slice(-claimBatch)
            .map((d) => d.key);
          if (earlier.run >= KILLS || !tail.includes(key))
            unexplained.push(`${key} delivered in run ${earlier.run} and again later`);
        }
        // The outbox's claim count goes up with every repeat.
        ds.forEach((d, i) => {
          if (i > 0 && d.attempt <= (ds[i - 1]?.attempt ?? 0))
            unexplained.push(`${key} repeated without a new claim`);
        });
      }
      expect(unexplained).toEqual([]);
      const repeats = deliveries.length - expected.length;
      expect(repeats).toBeLessThanOrEqual(KILLS * claimBatch);
      const once = [...perKey.values()].filter((ds) => ds.length === 1).length;

      const store = await openStore(setup.target);
      try {
        const timers = await store.db.selectFrom('timers').select(['key', 'fired_at', 'outcome']).execute();
        expect(timers).toHaveLength(DISPUTES * TIMERS_PER_DISPUTE);
        expect(timers.filter((t) => t.fired_at === null)).toEqual([]);
        expect(timers.every((t) => t.outcome === 'applied')).toBe(true);
        const fired = await store.db
          .selectFrom('audit')
          .select('event')
          .where('event_type', '=', 'timer-fired')
          .execute();
        const firedKeys = count(fired.map((row) => (row.event.type === 'timer-fired' ? row.event.key : '')));
        expect(firedKeys.size).toBe(DISPUTES * TIMERS_PER_DISPUTE);
        expect([...firedKeys.values()].every((n) => n === 1)).toBe(true);
        const outbox = await store.db.selectFrom('outbox').select(['key', 'status']).execute();
        expect(outbox.filter((row) => row.status !== 'done')).toEqual([]);
        expect(outbox).toHaveLength(expected.length);
        // Every delivery's feedback event landed exactly once too.
        const sent = await store.db
          .selectFrom('audit')
          .select('event')
          .where('event_type', '=', 'message-sent')
          .execute();
        expect(sent).toHaveLength(expected.length);
      } finally {
        await store.close();
      }
      console.log(
        `crash ${setup.name}: ${KILLS} SIGKILLs (performs+time after ready: ${killPoints.join(' ')}); ` +
          `${once}/${expected.length} effects delivered exactly once; ${deliveries.length} deliveries ` +
          `(${repeats} repeats of in-flight effects, ${attemptsBeforeFinal} before the final run); ` +
          `${DISPUTES * TIMERS_PER_DISPUTE} timers fired once; ${Date.now() - started} ms`,
      );
    }, 180_000);
  });
}
