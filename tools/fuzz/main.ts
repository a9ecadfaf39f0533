/**
 * `npm run fuzz -- [--count N] [--seed N]`: the seeded fuzzer (tools/fuzz/fuzz.ts) against local
 * mode. Prints its figures; exits 1 on any 5xx, hang, crash, partial write or disclosure.
 */
import { parseArgs } from 'node:util';
import { describeFigures, runFuzz } from './fuzz.ts';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '1000' }, seed: { type: 'string', default: '20261202' } },
});
const count = Number(values.count);
const seed = Number(values.seed);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--count N] [--seed N]');
  process.exit(2);
}
const figures = await runFuzz({
  count,
  seed,
  onProgress: (done) => {
    if (done % 1000 === 0) process.stderr.write(`  ${done} / ${count}\n`);
  },
});
console.log(`fuzz (seed ${seed}):\n${describeFigures(figures)}`);
const failed =
  figures.fiveHundreds + figures.hangs + figures.crashes + figures.partialWrites + figures.disclosures;
process.exit(failed > 0 ? 1 : 0);
