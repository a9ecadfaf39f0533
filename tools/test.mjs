#!/usr/bin/env node
// Runs the suite's two vitest projects (vitest.config.ts) side by side, one file at a time each, so a
// two-core machine waits on a journey's browser or emulator while the units use the other core.
// Each line is prefixed with its project; the exit code is non-zero when either project fails.
// Arguments are passed to both (e.g. `npm test -- --reporter=verbose`).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const projects = ['journeys', 'units'];
const vitest = new URL('../node_modules/vitest/vitest.mjs', import.meta.url).pathname;
const passthrough = process.argv.slice(2);
// A file filter may match only one project's files; the other then has nothing to run.
if (passthrough.length > 0) passthrough.push('--passWithNoTests');

const children = [];

function run(project) {
  const child = spawn(process.execPath, [vitest, 'run', '--project', project, ...passthrough], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
  });
  children.push(child);
  const tag = `[${project}]`.padEnd(11);
  for (const stream of [child.stdout, child.stderr]) {
    const out = stream === child.stdout ? process.stdout : process.stderr;
    createInterface({ input: stream }).on('line', (line) => out.write(`${tag}${line}\n`));
  }
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ project, code: code ?? (signal ? 1 : 0), signal, child }));
  });
}

const started = Date.now();
const running = projects.map(run);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(1);
  });
}
const results = await Promise.all(running);
const seconds = Math.round((Date.now() - started) / 1000);
for (const r of results) {
  console.log(
    `${r.project}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})`}`,
  );
}
console.log(`suite: ${seconds} s`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
