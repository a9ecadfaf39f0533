/**
 * Start-up and idle memory of whole processes: `npm start` on a fresh data folder (local mode: the
 * Agents Playground in a process of its own, the Microsoft 365 emulator inside Concord's, which is
 * the one measured), and the built server (`npm run serve`'s command from package.json: node, its
 * flags, dist/app/main.js) on PGlite folders holding 1k and then many more open disputes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_CLIENT, startEmulator } from '@concord/m365-emulator';
import { PGLITE_START_OPTIONS } from '../../src/store/open-store.ts';
import { freePort } from '../../tests/support/wait.ts';
import { cloneDisputes, raise, raisedBy } from '../lib/seed.ts';
import { fmt, type Row } from '../lib/stats.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The bench's PGLITE_OPTIMISING_COMPILER, passed on to each server it starts. */
const COMPILER: NodeJS.ProcessEnv = process.env.PGLITE_OPTIMISING_COMPILER
  ? { PGLITE_OPTIMISING_COMPILER: process.env.PGLITE_OPTIMISING_COMPILER }
  : {};

/**
 * `npm run serve`'s arguments to node (its flags, then dist/app/main.js), read from package.json so
 * the bench measures the command a deployment runs.
 */
function serveArgs(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [node, ...args] = (pkg.scripts.serve ?? '').trim().split(/\s+/);
  if (node !== 'node' || !args.at(-1)?.endsWith('.js'))
    throw new Error(`npm run serve is not "node [flags] ENTRY.js": ${pkg.scripts.serve}`);
  return args;
}

/** The newest modification time of any file under `dir` (milliseconds). */
function newestUnder(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newestUnder(file) : statSync(file).mtimeMs);
  }
  return latest;
}

/** VmRSS of one process, in MiB (Linux). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/**
 * RSS after `idleMs` of a Node process running `script` (an ES module, from the project's folder)
 * once it has printed "ready": the parts of Concord's memory measured alone, for a target not met.
 */
async function idleRss(script: string, idleMs: number, loader: string[] = []): Promise<number> {
  const child = spawn(process.execPath, [...loader, '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready: ${output.slice(-500)}`)), 60_000);
      const seen = (d: Buffer) => {
        output += d;
        if (output.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', seen);
      child.stderr?.on('data', (d) => (output += d));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited ${code}: ${output.slice(-500)}`));
      });
    });
    await new Promise((r) => setTimeout(r, idleMs));
    return rssMiB(child.pid as number);
  } finally {
    child.removeAllListeners('exit');
    await stop(child);
  }
}

/**
 * Why an idle RSS is over its target: the same PGlite folder opened by a process that does nothing
 * else, a bare botbuilder bot (CloudAdapter and an HTTP server), and Node itself, each measured now.
 */
async function whyRss(pgliteFolder: string, idleMs: number, local?: { certDir: string }): Promise<string> {
  const pglite = await idleRss(
    // As the server opens it: on V8's baseline compiler (preparePglite, PGLITE_OPTIMISING_COMPILER).
    `import { setFlagsFromString } from 'node:v8';
     ${process.env.PGLITE_OPTIMISING_COMPILER === 'on' ? '' : "setFlagsFromString('--liftoff-only');"}
     const { PGlite } = await import('@electric-sql/pglite');
     const db = await PGlite.create(${JSON.stringify(pgliteFolder)}, ${JSON.stringify(PGLITE_START_OPTIONS)});
     await db.query('select count(*) from disputes');
     console.log('ready');`,
    idleMs,
  );
  const bot = await idleRss(
    `import { createServer } from 'node:http';
     import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
     const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
     createServer((req, res) => res.end()).listen(0, '127.0.0.1', () => console.log('ready', typeof adapter));`,
    idleMs,
  );
  const node = await idleRss(`console.log('ready'); setInterval(() => {}, 1000);`, idleMs);
  // `npm start` runs under tsx with the Microsoft 365 emulator in the same process.
  const emulator = local
    ? await idleRss(
        `import { startEmulator } from '@concord/m365-emulator';
         await startEmulator({ directory: 'directory/sample-ane.json', certDir: ${JSON.stringify(local.certDir)} });
         console.log('ready');`,
        idleMs,
        ['--import', 'tsx'],
      )
    : null;
  const beside =
    emulator === null
      ? ''
      : `; \`npm start\` also holds the Microsoft 365 emulator, under tsx: ${fmt(emulator, 0)} MiB alone`;
  const floor = pglite + bot - node + (emulator === null ? 0 : emulator - node);
  return (
    `measured alone, idle: PGlite on the same folder, opened as Concord opens it, ${fmt(pglite, 0)} MiB (its WebAssembly module ` +
    `declares 128 MiB as its minimum memory, of which about 30 MiB is touched), a bare botbuilder bot ${fmt(bot, 0)} MiB, Node itself ` +
    `${fmt(node, 0)} MiB${beside}; together in one process about ${fmt(floor, 0)} MiB ` +
    'before any of Concord (compare the PostgreSQL row, without PGlite)'
  );
}

async function readyAfter(child: ChildProcess, port: number, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (child.exitCode !== null) return Number.NaN;
    const status = await fetch(`http://127.0.0.1:${port}/readyz`)
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 100));
  }
  return Number.NaN;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Time from spawn to /readyz, RSS after `idleMs` of idling, and with `settleMs` the RSS again that
 * long after ready (V8 gives back most of start-up's garbage 20-45 s in).
 */
async function measure(
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  idleMs: number,
  settleMs?: number,
): Promise<{ readyMs: number; rss: number; settled?: number }> {
  let output = '';
  const start = performance.now();
  // BENCH_CPU_PROF=dir: each process writes a CPU profile of its start there (`node --cpu-prof`).
  const prof = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = spawn(process.execPath, [...prof, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  try {
    const ready = await readyAfter(child, port, 90_000);
    if (Number.isNaN(ready)) throw new Error(`not ready: ${output.slice(-2000)}`);
    const readyMs = performance.now() - start;
    await new Promise((r) => setTimeout(r, idleMs));
    const rss = rssMiB(child.pid as number);
    if (settleMs === undefined || settleMs <= idleMs) return { readyMs, rss };
    await new Promise((r) => setTimeout(r, settleMs - idleMs));
    return { readyMs, rss, settled: rssMiB(child.pid as number) };
  } finally {
    await stop(child);
  }
}

export async function benchStartup(options: {
  big: number;
  idleMs: number;
  /** When set, PGlite's served process at 1k is sampled again this long after ready. */
  settleMs?: number;
  build: boolean;
}): Promise<Row[]> {
  const rows: Row[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), 'concord-bench-start-'));
  try {
    // npm start (tools/local/start.ts through tsx, as `npm start` runs it) on a fresh folder.
    const port = await freePort();
    const local = await measure(
      ['--import', 'tsx', 'tools/local/start.ts'],
      {
        PATH: process.env.PATH,
        PORT: String(port),
        DATA_DIR: path.join(scratch, 'local'),
        LOG_LEVEL: 'silent',
        ...COMPILER,
      },
      port,
      options.idleMs,
    );
    rows.push(
      {
        figure: '`npm start` to `/readyz`, fresh folder (s)',
        engine: 'PGlite',
        value: fmt(local.readyMs / 1000, 1),
        reference: '',
        ratio: '',
        target: '≤ 10 s',
        met: local.readyMs <= 10_000,
      },
      {
        figure: '`npm start` RSS idle, Concord process (MiB)',
        engine: 'PGlite',
        value: fmt(local.rss, 0),
        reference: '',
        ratio: '',
        target: '≤ 400 MiB',
        met: local.rss <= 400,
        ...(local.rss <= 400
          ? {}
          : {
              why: await whyRss(path.join(scratch, 'local', 'pglite'), options.idleMs, {
                certDir: path.join(scratch, 'why-tls'),
              }),
            }),
      },
    );

    const entry = path.join(ROOT, 'dist/app/main.js');
    // A build older than the sources would run other code than the seeded store expects (a
    // migration it does not know refuses to start), so it is built again, as it is when missing.
    const stamp = path.join(ROOT, 'dist/.build-stamp');
    const stale = !existsSync(stamp) || newestUnder(path.join(ROOT, 'src')) > statSync(stamp).mtimeMs;
    if ((!existsSync(entry) || stale) && options.build) {
      await new Promise<void>((resolve, reject) => {
        const b = spawn(process.execPath, ['tools/build.mjs', '--no-check'], { cwd: ROOT, stdio: 'ignore' });
        b.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`build exited ${code}`))));
      });
    }
    if (!existsSync(entry) || (stale && !options.build)) {
      rows.push({
        figure: '`npm run serve` (built)',
        engine: 'PGlite',
        value: 'not measured',
        reference: existsSync(entry)
          ? 'dist/ is older than src/: run `npm run build`'
          : 'no dist/: run `npm run build`',
        ratio: '',
        target: '≤ 3 s, ≤ 200 MiB',
        met: null,
      });
      return rows;
    }
    const m365 = await startEmulator({
      directory: 'directory/sample-ane.json',
      certDir: path.join(scratch, 'tls'),
    });
    try {
      const client = m365.clients[0] ?? DEFAULT_CLIENT;
      const env = (port: number, store: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
        PATH: process.env.PATH,
        PORT: String(port),
        BOT_ID: client.clientId,
        BOT_PASSWORD: client.clientSecret,
        BOT_TENANT_ID: m365.tenantId,
        GRAPH_BASE_URL: m365.graphBaseUrl,
        AUTHORITY_HOST: m365.authorityHost,
        DIRECTORY_FILE: path.join(ROOT, 'directory/sample-ane.json'),
        NODE_EXTRA_CA_CERTS: m365.caPath,
        LOG_LEVEL: 'silent',
        ...COMPILER,
        ...store,
      });
      const engines: {
        name: string;
        served: (open: number) => Promise<{ readyMs: number; rss: number; settled?: number }>;
        /** The PGlite folder a run at `open` disputes used, for `whyRss`. */
        folder?: (open: number) => string;
      }[] = [
        {
          name: 'PGlite',
          folder: (open) => path.join(scratch, `serve-${open}`, 'pglite'),
          served: async (open) => {
            const dataDir = path.join(scratch, `serve-${open}`);
            await seedStore({ engine: 'pglite', dataDir }, open);
            const p = await freePort();
            // At 1k only: how far it settles once idle for longer.
            return measure(
              serveArgs(),
              env(p, { DATA_DIR: dataDir }),
              p,
              options.idleMs,
              open === 1000 ? options.settleMs : undefined,
            );
          },
        },
      ];
      const url = process.env.DATABASE_URL;
      if (url)
        engines.push({
          name: 'PostgreSQL',
          served: async (open) => {
            const schema = `bench_serve_${process.pid}_${open}`;
            await seedStore({ engine: 'postgres', url, schema }, open);
            const p = await freePort();
            const scoped = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
            try {
              return await measure(
                serveArgs(),
                env(p, {
                  DATABASE_URL: scoped,
                  DATA_DIR: path.join(scratch, 'unused'),
                  NODE_ENV: 'production',
                }),
                p,
                options.idleMs,
              );
            } finally {
              await dropSchema(url, schema);
            }
          },
        });
      for (const { name, served, folder } of engines) {
        try {
          const small = await served(1000);
          const big = await served(options.big);
          rows.push(
            {
              figure: '`npm run serve` (built) to `/readyz`, 1k disputes (s)',
              engine: name,
              value: fmt(small.readyMs / 1000, 2),
              reference: '',
              ratio: '',
              target: '≤ 3 s',
              met: small.readyMs <= 3000,
            },
            {
              figure: '`npm run serve` RSS idle, 1k open disputes (MiB)',
              engine: name,
              value: fmt(small.rss, 0),
              reference: '',
              ratio: '',
              target: '≤ 200 MiB',
              met: small.rss <= 200,
              ...(small.rss <= 200 || !folder ? {} : { why: await whyRss(folder(1000), options.idleMs) }),
            },
            ...(small.settled === undefined
              ? []
              : [
                  {
                    figure: `\`npm run serve\` RSS after ${fmt((options.settleMs ?? 0) / 1000, 0)} s idle, 1k open disputes (MiB)`,
                    engine: name,
                    value: fmt(small.settled, 0),
                    reference: `${fmt(small.rss, 0)} at ${fmt(options.idleMs / 1000, 0)} s`,
                    ratio: `${fmt(small.settled / small.rss, 2)}×`,
                    target: '',
                    met: null,
                  },
                ]),
            {
              figure: `\`npm run serve\` RSS idle, ${fmt(options.big, 0)} open disputes (MiB)`,
              engine: name,
              value: fmt(big.rss, 0),
              reference: `${fmt(small.rss, 0)} at 1k`,
              ratio: `${fmt(big.rss / small.rss, 2)}×`,
              target: 'flat (≤ 1.2×)',
              met: big.rss / small.rss <= 1.2,
            },
          );
        } catch (error) {
          rows.push({
            figure: '`npm run serve` (built): failed',
            engine: name,
            value: error instanceof Error ? error.message.slice(0, 160).replace(/\s+/g, ' ') : String(error),
            reference: '',
            ratio: '',
            target: '',
            met: false,
          });
        }
      }
    } finally {
      await m365.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

/** A store, migrated, with `open` open disputes (one raised, the rest copied). */
async function seedStore(
  target: import('../../src/store/open-store.ts').StoreTarget,
  open: number,
): Promise<void> {
  const { openStore } = await import('../../src/store/open-store.ts');
  const { migrateToLatest } = await import('../../src/store/migrate.ts');
  const { createDisputeService } = await import('../../src/runtime/dispute-service.ts');
  const { decide } = await import('../../src/domain/dispute/decide.ts');
  const { getProcedure } = await import('../../src/procedures/index.ts');
  const { bundledCalendar } = await import('../../src/domain/calendar/index.ts');
  const { createDirectoryService } = await import('../../src/directory/directory-service.ts');
  const store = await openStore(target);
  try {
    await migrateToLatest(store);
    const directory = await createDirectoryService({ directory: 'directory/sample-ane.json' });
    const procedure = getProcedure('ane');
    if (!procedure) throw new Error('no ANE');
    const service = createDisputeService({
      store,
      decide,
      clock: { now: () => new Date() },
      contextFor: () => ({
        procedure,
        calendar: bundledCalendar('england-and-wales'),
        resolver: directory.resolver,
      }),
    });
    const p = directory.person('ane-practitioner');
    if (!p) throw new Error('no practitioner');
    await raise(service, raisedBy(directory.personRef(p), 'seed-0', 'gateshead'));
    await cloneDisputes(store, { templateId: 'seed-0', prefix: 'seed', from: 1, count: open - 1 });
  } finally {
    await store.close();
  }
}

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
