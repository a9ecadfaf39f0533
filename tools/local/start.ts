/**
 * `npm start`: local mode. The local Microsoft 365 (HTTPS, seeded from the sample directory), the
 * bot and runtime on :3978 with PGlite in ./.data (and the test clock with CLOCK=test), and the
 * Agents Playground pointed at the bot. Prints where to chat and where the mailboxes are.
 * Nothing reaches Microsoft. See docs/local-mode.md.
 *
 * `EMULATOR_FAULTS` (JSON, local mode only) is handed to the emulator, e.g. one manager outside the
 * app's Exchange RBAC scope: `EMULATOR_FAULTS='{"mailboxes":{"team.manager@ane.example":"access-denied"}}' npm start`
 * (or `"not-enabled"`: no Exchange Online mailbox). Invalid JSON stops the start with what is wrong.
 */

import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type FaultConfig,
  graphTargetOf,
  parseFaultsJson,
  startEmulator,
  tabSignInOf,
  trustEmulatorCa,
} from '@concord/m365-emulator';
import { createApp, SAMPLE_DIRECTORY } from '../../src/app/create-app.ts';
import { loadConfigOrExit } from '../../src/config/index.ts';
import { createLogger } from '../../src/log/index.ts';
import { preparePglite } from '../../src/store/open-store.ts';
import { followTestClock } from './clock-sync.ts';
import { startPlayground } from './playground.ts';

/** The one person the Agents Playground signs in (DESIGN.md: "Alex Wilber", `user-id-0`). */
const PLAYGROUND_USER = 'user-id-0';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.mode !== 'local') {
    console.error('npm start runs local mode only; unset BOT_ID to use it.');
    process.exit(2);
  }
  // As `npm run serve` does: PGlite compiles while the emulator starts, and on the baseline
  // compiler unless PGLITE_OPTIMISING_COMPILER=on (`preparePglite`).
  if (!config.databaseUrl)
    void preparePglite({ optimisingCompiler: config.pgliteOptimisingCompiler === true });
  const faults = emulatorFaults(process.env.EMULATOR_FAULTS);
  const log = createLogger({ level: config.logLevel });
  const directoryFile = config.directoryFile ?? SAMPLE_DIRECTORY;
  mkdirSync(config.dataDir, { recursive: true });

  const m365 = await startEmulator({
    directory: directoryFile,
    certDir: path.join(config.dataDir, 'emulator-tls'),
    ...(faults ? { faults } : {}),
  });
  const untrust = trustEmulatorCa(m365.caPem);
  let chatUrl: string | undefined;
  const app = await createApp({
    config,
    directoryFile,
    log,
    forgetGraphSubscriptions: true,
    graph: graphTargetOf(m365),
    tabSignIn: tabSignInOf(m365),
    // The tab's "act on the card" links open the Playground's chat, once it is up.
    localChatUrl: () => chatUrl,
  });
  const { url } = await app.listen(config.port);
  const stopClockSync = config.clock === 'test' ? await followTestClock(url, app, m365) : () => {};
  const playground = await startPlayground({ appEndpoint: `${url}/api/messages` });
  chatUrl = playground.url;
  // The browser setup DESIGN.md prescribes resolves only localhost, and the certificate names it.
  const emulatorUi = m365.uiUrl.replace('://127.0.0.1', '://localhost');

  const lines = [
    '',
    'Concord is running in local mode. Nothing here reaches Microsoft.',
    '',
    `  Chat with Concord (Agents Playground):   ${playground.url}`,
    `  Mailboxes and invitations (emulator UI): ${emulatorUi}`,
    `  Disputes tab (sign in as a person):      ${url}/tab/${tabAs(directoryFile, 'team-manager')}`,
    `  Partnership dashboard (oversight role):  ${url}/tab/oversight${tabAs(directoryFile, 'oversight')}`,
    `  Bot endpoint:                            ${url}/api/messages`,
    ...(config.clock === 'test' ? [`  Test clock:                              ${url}/dev/clock`] : []),
    `  Database (PGlite):                       ${config.dataDir}`,
    '',
    ...partnershipLines(directoryFile),
    'Type "raise a dispute" to begin; "act as <role>" (for example "act as team-manager") plays',
    'another person of the partnership, and "act as me" comes back.',
    'Press Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    stopClockSync();
    await playground.stop();
    await app.stop();
    await m365.close();
    untrust();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/**
 * The banner's lines on the partnership: its name and description from the directory file, and
 * whom the Playground user (Teams user id `user-id-0`) plays there.
 */
function partnershipLines(directoryFile: string): string[] {
  const directory = JSON.parse(readFileSync(directoryFile, 'utf8')) as {
    partnership?: { name: string; description?: string };
    people?: { displayName?: string; jobTitle?: string; teamsUserId?: string }[];
  };
  const played = directory.people?.find((p) => p.teamsUserId === PLAYGROUND_USER);
  return [
    `Partnership: ${directory.partnership?.name ?? path.basename(directoryFile)} (${directoryFile})`,
    ...(directory.partnership?.description ? [directory.partnership.description] : []),
    played
      ? `In the Playground you are ${played.displayName ?? played.jobTitle ?? 'the raiser'}.`
      : `No one in this directory has teamsUserId "${PLAYGROUND_USER}", so the Playground user is not a person here.`,
  ];
}

/** `?as=<person id>` for the first host-tenant person holding `role`, so the URL opens signed in. */
function tabAs(directoryFile: string, role: string): string {
  const directory = JSON.parse(readFileSync(directoryFile, 'utf8')) as {
    hostTenant?: { domain?: string };
    people?: { id: string; email?: string; roles?: string[] }[];
  };
  const domain = directory.hostTenant?.domain ?? '';
  const person = directory.people?.find(
    (p) => p.roles?.includes(role) && (p.email ?? '').toLowerCase().endsWith(`@${domain}`),
  );
  return person ? `?as=${encodeURIComponent(person.id)}` : '';
}

/** `EMULATOR_FAULTS`, parsed and checked; exits 2 with the reason when it is not valid. */
function emulatorFaults(text: string | undefined): Partial<FaultConfig> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return parseFaultsJson(text);
  } catch (error) {
    console.error(
      `EMULATOR_FAULTS is not valid: ${(error as Error).message}.\n` +
        `  Example: EMULATOR_FAULTS='{"mailboxes":{"team.manager@ane.example":"access-denied"}}' npm start`,
    );
    process.exit(2);
  }
}

main().catch((error) => {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  console.error(`Concord could not start: ${error instanceof Error ? error.message : String(error)}${cause}`);
  process.exit(1);
});
