/**
 * Production: a copy of the repository is built (`tools/build.mjs`, what `npm run build` runs),
 * its installed tree pruned to production dependencies (`npm prune --omit=dev`, as after `npm ci`
 * on a fresh clone), and then `npm run serve`'s command starts Concord from dist/ against the local
 * Microsoft 365. No tsx, TypeScript, vitest or emulator package is left to lean on.
 *
 * The full install is stood in for by hard links to this checkout's node_modules (fast, and the
 * prune only unlinks); where the temp dir is on another file system it runs
 * `npm ci --omit=dev --workspaces=false` from the npm cache instead.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Emulator, startEmulator, tabSignInOf, trustEmulatorCa } from '@concord/m365-emulator';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedApp, startServed } from '../support/served-app.ts';
import { freePort } from '../support/wait.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const NPM_QUIET = ['--no-audit', '--no-fund', '--workspaces=false', '--loglevel=error'];

/** Copies what a deployment carries besides dist/ and node_modules/. */
function copyCheckout(into: string): void {
  for (const file of ['package.json', 'package-lock.json', 'packages/m365-emulator/package.json'])
    cpSync(path.join(ROOT, file), path.join(into, file));
  for (const dir of ['adaptive-cards', 'data', 'bin'])
    cpSync(path.join(ROOT, dir), path.join(into, dir), { recursive: true });
}

/** A production node_modules in `into`: the full tree hard-linked, then pruned; or a production install. */
async function installProduction(into: string): Promise<void> {
  const linked = await run('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(into, 'node_modules')])
    .then(() => true)
    .catch(() => false);
  if (linked) {
    // npm rewrites its hidden lockfile; unlink it first so the checkout's copy is never written through.
    rmSync(path.join(into, 'node_modules/.package-lock.json'), { force: true });
    await run('npm', ['prune', '--omit=dev', ...NPM_QUIET], { cwd: into });
  } else {
    rmSync(path.join(into, 'node_modules'), { recursive: true, force: true });
    await run('npm', ['ci', '--omit=dev', '--prefer-offline', ...NPM_QUIET], { cwd: into });
  }
}

describe('production: built, pruned to production dependencies, served from dist/', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-production-'));
  const app = path.join(dir, 'app');
  let m365: Emulator;
  let served: ServedApp | undefined;
  let PORT = 0;
  let untrust: () => void = () => {};
  /** `npm run serve`'s arguments to node, from the copy's package.json. */
  let serveArgs: string[] = [];

  beforeAll(async () => {
    mkdirSync(path.join(app, 'packages/m365-emulator'), { recursive: true });
    copyCheckout(app);
    const build = run(process.execPath, [
      path.join(ROOT, 'tools/build.mjs'),
      '--out',
      path.join(app, 'dist'),
      '--no-check',
    ]);
    await Promise.all([build, installProduction(app)]);

    PORT = await freePort();
    m365 = await startEmulator({
      directory: path.join(ROOT, 'directory/sample-ane.json'),
      certDir: path.join(dir, 'tls'),
    });
    untrust = trustEmulatorCa(m365.caPem);
    const serve = (
      JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts.serve;
    // Node's flags, then the entry: the young generation capped at 8 MiB a semi-space (issue 15).
    expect(serve).toBe('node --max-semi-space-size=8 dist/app/main.js');
    serveArgs = (serve ?? '').split(' ').slice(1);
    served = await startServed({
      m365,
      cwd: app,
      args: serveArgs,
      port: PORT,
      dataDir: path.join(dir, 'data'),
    });
  }, 180_000);

  afterAll(async () => {
    await served?.stop();
    await m365?.close();
    untrust();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has no development tool installed', () => {
    for (const devOnly of [
      'tsx',
      'typescript',
      'vitest',
      '@biomejs/biome',
      'adaptivecards',
      '@concord/m365-emulator',
    ])
      expect(existsSync(path.join(app, 'node_modules', devOnly)), devOnly).toBe(false);
    expect(existsSync(path.join(app, 'node_modules/botbuilder'))).toBe(true);
  });

  // main.js imports the card templates (adaptive-cards/) and bank holidays (data/): ready means they resolved.
  it('is ready, with the watched inboxes subscribed through Graph', async () => {
    expect((await fetch(`http://127.0.0.1:${PORT}/readyz`)).status).toBe(200);
    const subs = JSON.stringify(await fetch(`${m365.adminUrl}/subscriptions`).then((r) => r.json()));
    expect(subs).toContain(`http://localhost:${PORT}/api/graph/notifications`);
  });

  // PGLITE_OPTIMISING_COMPILER (preparePglite): off, the server's PGlite runs on V8's baseline
  // WebAssembly compiler alone, for about 80 MiB less memory; on, V8 optimises its hot functions.
  // V8 prints a line for each function it compiles, naming the compiler.
  it.each([
    ['off (the default)', {}, false],
    ['on', { PGLITE_OPTIMISING_COMPILER: 'on' }, true],
  ] as const)(
    'with PGLITE_OPTIMISING_COMPILER %s, compiles PGlite as set',
    async (_name, env, optimised) => {
      const port = await freePort();
      const traced = await startServed({
        m365,
        cwd: app,
        args: ['--trace-wasm-compilation-times', ...serveArgs],
        port,
        dataDir: path.join(dir, `data-compiler-${optimised ? 'on' : 'off'}`),
        env,
      });
      try {
        const by = (compiler: string) =>
          traced
            .output()
            .split('\n')
            .filter((l) => l.includes(`using ${compiler}`)).length;
        // Store reads on top of the start-up's migrations and maintenance, while V8's background
        // threads finish what they queued: at least 2 s, and with the setting on until an
        // optimised function shows (start-up alone gave about 170), for at most 20 s.
        const started = Date.now();
        while (
          Date.now() - started < 2_000 ||
          (optimised && by('TurboFan') === 0 && Date.now() - started < 20_000)
        ) {
          expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(by('Liftoff')).toBeGreaterThan(100);
        if (optimised) expect(by('TurboFan')).toBeGreaterThan(0);
        else expect(by('TurboFan')).toBe(0);
      } finally {
        await traced.stop();
      }
    },
    90_000,
  );

  // The charts (vega) and the Word writer (docx) are chunks of the bundle of their own, read on the
  // first dashboard or report (tools/build.mjs): they must be there, and load, in a deployment.
  it("gives the oversight role the dashboard's charts and the Word report from the bundle's own chunks", async () => {
    const signIn = tabSignInOf(m365);
    const audience = `api://localhost:${PORT}/${(m365.clients[0] ?? { clientId: '' }).clientId}`;
    const token = await signIn('practice.leadership@ane.example', audience);
    const get = (p: string) =>
      fetch(`http://127.0.0.1:${PORT}${p}`, { headers: { authorization: `Bearer ${token}` } });
    const dashboard = await get('/tab/api/dashboard?from=2027-01-01&to=2027-01-31');
    expect(dashboard.status, await dashboard.clone().text()).toBe(200);
    const { charts } = (await dashboard.json()) as { charts: { title: string; svg: string }[] };
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) expect(chart.svg, chart.title).toMatch(/^<svg[\s\S]*<\/svg>$/);
    const report = await get('/tab/api/report?from=2027-01-01&to=2027-01-31&format=docx');
    expect(report.status).toBe(200);
    expect(report.headers.get('content-disposition')).toBe(
      'attachment; filename="concord-report-2027-01-01-to-2027-01-31.docx"',
    );
    const zip = await JSZip.loadAsync(await report.arrayBuffer());
    expect(await zip.file('word/document.xml')?.async('string')).toContain('2027');
    // Each chart is in the Word report as a picture (resvg, outside the bundle).
    expect(Object.keys(zip.files).filter((f) => /^word\/media\/.+\.png$/.test(f)).length).toBe(charts.length);
  }, 60_000);

  it('runs the concord bin from dist/, reading the procedure files copied beside it', async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(app, 'bin/concord.mjs'), 'procedures', '--json'],
      {
        cwd: app,
        env: { PATH: process.env.PATH, DATA_DIR: path.join(dir, 'cli-data') },
      },
    );
    const ids = (JSON.parse(stdout) as { id: string }[]).map((p) => p.id);
    expect(ids).toEqual(['ane', 'dudley-dscb', 'iro-drp', 'nel-lscb-sab', 'solihull-ssab']);
  });
});
