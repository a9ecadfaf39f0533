/**
 * `npm run chaos -- [--disputes N] [--seed N] [--faults RATE] [--procedures ane,…]
 * [--kill-every LO-HI] [--no-kill]`: the chaos run (tools/chaos/chaos.ts). On PostgreSQL when
 * DATABASE_URL is set, else PGlite. `--kill-every 20-60`: seconds between kills, counted from each
 * restart (default 3-9).
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
    /** Seconds between kills, drawn evenly from LO-HI (default 3-9, counted from each restart). */
    'kill-every': { type: 'string', default: '3-9' },
    /** Kill the moment these steps are taken (e.g. 1,2,3,5), instead of at random. */
    'kill-after': { type: 'string' },
    /** Kill the moment the stand-in Connector takes these cards ("person verb", comma-separated). */
    'kill-on-card': { type: 'string' },
  },
});
const disputes = Number(values.disputes);
const seed = Number(values.seed);
const faults = Number(values.faults);
const [killLo, killHi] = (values['kill-every'] ?? '').split('-').map((x) => Number(x) * 1000);
if (
  !Number.isInteger(disputes) ||
  disputes < 1 ||
  !Number.isInteger(seed) ||
  !(faults >= 0 && faults < 1) ||
  !(killLo !== undefined && killHi !== undefined && killLo > 0 && killHi >= killLo)
) {
  console.error(
    'usage: npm run chaos -- [--disputes N] [--seed N] [--faults 0.2] [--procedures ane,…] [--kill-every 3-9 | --kill-after 1,2,3] [--kill-on-card "person verb,…"] [--no-kill]',
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
  ...(values['kill-after']
    ? { killAfterSteps: values['kill-after'].split(',').map(Number) }
    : { killEveryMs: values['no-kill'] ? [1e9, 1e9] : [killLo ?? 3000, killHi ?? 9000] }),
  ...(values['kill-on-card'] ? { killOnCard: values['kill-on-card'].split(',').map((p) => p.trim()) } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
});
console.log(
  `chaos on ${databaseUrl ? 'PostgreSQL' : 'PGlite'}${faults > 0 ? ` with ${Math.round(faults * 100)}% Graph faults` : ''}:`,
);
console.log(describeChaos(figures));
process.exit(figures.duplicates + figures.lost > 0 ? 1 : 0);
