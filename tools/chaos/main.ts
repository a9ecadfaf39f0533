/**
 * `npm run chaos -- [--disputes N] [--seed N] [--faults]`: the chaos run (tools/chaos/chaos.ts). On
 * PostgreSQL when DATABASE_URL is set, else PGlite. `--faults` injects 20% Graph faults in the
 * emulator (429 with Retry-After, 503, 504, timeouts). Prints the figures; exits 1 on any duplicate
 * or lost effect.
 */
import { parseArgs } from 'node:util';
import { describeChaos, runChaos } from './chaos.ts';

const { values } = parseArgs({
  options: {
    disputes: { type: 'string', default: '10' },
    seed: { type: 'string', default: '14' },
    faults: { type: 'boolean', default: false },
    procedures: { type: 'string' },
  },
});
const disputes = Number(values.disputes);
const seed = Number(values.seed);
if (!Number.isInteger(disputes) || disputes < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run chaos -- [--disputes N] [--seed N] [--faults] [--procedures ane,…]');
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
const figures = await runChaos({
  disputes,
  seed,
  ...(databaseUrl ? { databaseUrl } : {}),
  ...(values.procedures ? { procedures: values.procedures.split(',') } : {}),
  ...(values.faults
    ? {
        emulatorFaults: JSON.stringify({
          rate429: 0.08,
          rate503: 0.06,
          rate504: 0.06,
          retryAfterSeconds: 1,
          seed,
        }),
      }
    : {}),
  log: (line) => process.stderr.write(`${line}\n`),
});
console.log(
  `chaos on ${databaseUrl ? 'PostgreSQL' : 'PGlite'}${values.faults ? ' with 20% Graph faults' : ''}:`,
);
console.log(describeChaos(figures));
process.exit(figures.duplicates + figures.lost > 0 ? 1 : 0);
