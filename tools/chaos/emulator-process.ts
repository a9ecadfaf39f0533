/**
 * The chaos run's local Microsoft 365, as its own process so that its mailboxes and calendars
 * outlive every restart of the bot. `tsx tools/chaos/emulator-process.ts <info.json> [directory.json]`
 * starts it (seeded from the directory, default the ANE sample; `EMULATOR_FAULTS` as for `npm start`), writes where it is to
 * `info.json` and runs until it is killed.
 */
import { writeFileSync } from 'node:fs';
import { graphTargetOf, parseFaultsJson, startEmulator } from '@concord/m365-emulator';

const infoFile = process.argv[2];
const directory = process.argv[3] ?? 'directory/sample-ane.json';
if (!infoFile) throw new Error('usage: emulator-process.ts <info.json> [directory.json]');
const faults = process.env.EMULATOR_FAULTS ? parseFaultsJson(process.env.EMULATOR_FAULTS) : undefined;
const m365 = await startEmulator({ directory, ...(faults ? { faults } : {}) });
writeFileSync(
  infoFile,
  JSON.stringify({ graph: graphTargetOf(m365), adminUrl: m365.adminUrl, caPem: m365.caPem }),
);
const stop = async () => {
  await m365.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
