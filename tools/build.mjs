#!/usr/bin/env node
/**
 * `npm run build`: compiles src/ to dist/ with tsc (tsconfig.build.json rewrites the `.ts` import
 * extensions to `.js`), then copies the JSON files src/ reads from disk at run time (the procedure
 * files in src/procedures/). The templates in adaptive-cards/ and the bank holidays in data/ stay at
 * the repository root: dist/ sits beside src/, so the same relative imports find them.
 *
 *   node tools/build.mjs [--out DIR] [--no-check]
 *
 * DIR (default dist) must sit directly in the repository root, or in a copy of it that has
 * adaptive-cards/ and data/. --no-check emits without type-checking (`npm run typecheck` does that),
 * for the production test. dist/.build-stamp marks when the build finished (bin/concord.mjs reads it).
 *
 * The server's entry, dist/app/main.js (`npm run serve`), is then replaced by one esbuild bundle of
 * src/app/main.ts with the packages it uses: Node resolved, read and compiled about 2,850 modules at
 * each start, half the built server's start-up on this machine (issue 15). Left outside the bundle:
 * packages that load files beside themselves (PGlite's WebAssembly, resvg's native binary),
 * pg's optional native driver, and email-reply-parser, whose regular expressions are written in the
 * languages it reads (esbuild leaves the letters of a regular expression as written). Everything else in
 * dist/ (the CLI, the tests' imports) stays tsc's.
 *
 * The bundle is split where the program imports a module only when it is needed (`import()`): the
 * report's charts and Word writer (vega, vega-lite, docx: 1.75 of its 9.2 MB) sit in chunks of their
 * own beside main.js (dist/app/main-*.js), read on the first dashboard or report, not at start. V8
 * keeps a loaded script's whole source in memory, so the server started 6 MiB smaller (197 → 191 MiB
 * RSS on PGlite, 3 s after ready, on 1,000 disputes; issue 15).
 *
 * The bundle must stay within Latin-1: V8 keeps a script's whole source in memory for as long as
 * the process runs, one byte a character when every character is Latin-1 and two otherwise. One
 * "’" in a regular expression doubled the 9 MB source to 18 MiB of heap. The build fails, naming
 * the file and line, if such a character is back.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({
  options: { out: { type: 'string', default: 'dist' }, 'no-check': { type: 'boolean', default: false } },
});
const out = path.resolve(root, values.out);

rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const check = values['no-check'] ? ['--noCheck'] : [];
execFileSync(
  process.execPath,
  [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', out, ...check],
  {
    stdio: 'inherit',
  },
);

/** Every non-TypeScript file under src/ that the program reads at run time. */
function copyAssets(dir) {
  for (const entry of readdirSync(path.join(root, 'src', dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(rel);
    else if (entry.name.endsWith('.json')) cpSync(path.join(root, 'src', rel), path.join(out, rel));
  }
}
copyAssets('');

const bundle = await build({
  entryPoints: [path.join(root, 'src/app/main.ts')],
  // The chunks sit beside main.js, in dist/app/ where tsc put src/app/, so that the paths the code
  // reads relative to itself (the procedure files, adaptive-cards/, data/) resolve as they do from src/.
  outdir: path.join(out, 'app'),
  entryNames: '[name]',
  chunkNames: 'main-[name]-[hash]',
  splitting: true,
  // The metafile's paths are relative to this (the check below reads each output it lists).
  absWorkingDir: root,
  metafile: true,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Whitespace and syntax only: names stay, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['@electric-sql/pglite', '@resvg/resvg-js', 'pg-native', 'email-reply-parser'],
  // The CommonJS packages inside (botbuilder, msal …) call require() and read __dirname. In each chunk.
  banner: {
    js: [
      "import { createRequire as __concordRequire } from 'node:module';",
      // URL by a name of its own: a chunk may declare its own top-level URL (vega's does).
      "import { fileURLToPath as __concordPath, URL as __concordUrl } from 'node:url';",
      'const require = __concordRequire(import.meta.url);',
      'const __filename = __concordPath(import.meta.url);',
      "const __dirname = __concordPath(new __concordUrl('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'error',
});
for (const file of Object.keys(bundle.metafile.outputs)) {
  const bundled = readFileSync(path.resolve(root, file), 'utf8');
  const wide = /[\u0100-\uffff]/.exec(bundled);
  if (!wide) continue;
  const line = bundled.slice(0, wide.index).split('\n').length;
  const around = bundled.slice(Math.max(0, wide.index - 60), wide.index + 20);
  process.stderr.write(
    `${path.relative(root, path.resolve(root, file))} has a character beyond Latin-1 (U+${wide[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}) on line ${line}: …${around}…\n` +
      'V8 would hold the whole script as two bytes a character. Write it as an escape (\\u2019), or leave its package outside the bundle (external).\n',
  );
  process.exit(1);
}
writeFileSync(path.join(out, '.build-stamp'), `${new Date().toISOString()}\n`);
process.stdout.write(`built ${path.relative(root, out) || '.'}\n`);
