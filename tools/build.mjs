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
 * packages that load files beside themselves (PGlite's WebAssembly, resvg's native binary) and
 * pg's optional native driver. Everything else in dist/ (the CLI, the tests' imports) stays tsc's.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

await build({
  entryPoints: [path.join(root, 'src/app/main.ts')],
  outfile: path.join(out, 'app/main.js'),
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Whitespace and syntax only: names stay, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['@electric-sql/pglite', '@resvg/resvg-js', 'pg-native'],
  // The CommonJS packages inside (botbuilder, msal …) call require() and read __dirname.
  banner: {
    js: [
      "import { createRequire as __concordRequire } from 'node:module';",
      "import { fileURLToPath as __concordPath } from 'node:url';",
      'const require = __concordRequire(import.meta.url);',
      'const __filename = __concordPath(import.meta.url);',
      "const __dirname = __concordPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'error',
});
writeFileSync(path.join(out, '.build-stamp'), `${new Date().toISOString()}\n`);
process.stdout.write(`built ${path.relative(root, out) || '.'}\n`);
