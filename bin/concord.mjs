#!/usr/bin/env node
// The `concord` CLI. Runs the compiled JavaScript in dist/ (`npm run build`). In a development
// checkout without dist/, or whose src/ changed after the last build, it runs the TypeScript sources
// through tsx (a devDependency) instead, so a stale build never answers for the code in front of you;
// where tsx is not installed (production), dist/ always answers.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// `concord procedures | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const compiled = new URL('../dist/cli/main.js', import.meta.url);
const stamp = fileURLToPath(new URL('../dist/.build-stamp', import.meta.url));
const sources = fileURLToPath(new URL('../src/', import.meta.url));

/** The newest modification time of any file under `dir` (milliseconds). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = `${dir}/${entry.name}`;
    latest = Math.max(latest, entry.isDirectory() ? newest(file) : statSync(file).mtimeMs);
  }
  return latest;
}

const built = existsSync(fileURLToPath(compiled)) && existsSync(stamp);
const stale = built && existsSync(sources) && newest(sources) > statSync(stamp).mtimeMs;

/** The sources through tsx; where tsx is not installed (a production tree), the build after all. */
async function fromSource() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch (error) {
    if (built) return import(compiled.href);
    throw error;
  }
  return import('../src/cli/main.ts');
}

const { main } = built && !stale ? await import(compiled.href) : await fromSource();
process.exitCode = await main(process.argv.slice(2));
