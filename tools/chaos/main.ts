/**
 * `npm run chaos -- [--disputes N] [--seed N] [--faults RATE] [--procedures ane,…] [--no-kill]`: the
 * chaos run (tools/chaos/chaos.ts). On PostgreSQL when DATABASE_URL is set, else PGlite.
 * `--faults 0.2` injects Graph faults in the emulator on that share of requests (chaosFaults: 429
 * with Retry-After, 503, 504, timeouts, expired tokens). Prints the figures; exits 1 on any
 * duplicate or lost effect.
 */
import { parseArgs } from 'node:util';
import { chaosFaults, describeChaos, runChaos } from './chaos.ts';

const { values } = parseArgs({
  options: {
    disputes: { type: 'string', default: '10' },
    seed: { type: 'string', default: '14' },
    faults: { type: 'string', default: '0' },
    procedures: { type: 'string' },
    'no-kill': { type: 'boolean', default: false },
  },
});
const disputes = Number(values.disputes);
const seed = Number(values.seed);
const faults = Number(values.faults);
if (!Number.isInteger(disputes) || disputes < 1 || !Number.isInteger(seed) || !(faults >= 0 && faults < 1)) {
  console.error(
    'usage: npm run chaos -- [--disputes N] [--seed N] [--faults 0.2] [--procedures ane,…] [--no-kill]',
  );
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
const figures = await runChaos({
  disputes,
  seed,
  ...(databaseUrl ? { databaseUrl } : {}),
  ...(values.procedures ? { procedures: values.procedures.split(',') } : {}),
  ...(faults > 0 ? { emulatorFaults: chaosFaults(faults, seed) } : {}),
  ...(values['no-kill'] ? { killEveryMs: [1e9, 1e9] as const } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
});
console.log(
  `chaos on ${databaseUrl ? 'PostgreSQL' : 'PGlite'}${faults > 0 ? ` with ${Math.round(faults * 100)}% Graph faults` : ''}:`,
);
console.log(describeChaos(figures));
process.exit(figures.duplicates + figures.lost > 0 ? 1 : 0);
