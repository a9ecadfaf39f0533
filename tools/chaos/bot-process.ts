/**
 * The chaos run's Concord: the whole app (`createApp`) in local mode with the test clock, on the
 * store the driver names (`DATABASE_URL`, or PGlite in `DATA_DIR`), against the emulator process
 * (`CHAOS_EMULATOR`: its info file) and the driver's stand-in Bot Connector (`CHAOS_CONNECTOR`), with
 * the directory the emulator was seeded from (`CHAOS_DIRECTORY`).
 * The driver kills it with SIGKILL and starts it again on the same store and port.
 */
import { readFileSync } from 'node:fs';
import { trustEmulatorCa } from '@concord/m365-emulator';
import { createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/log/index.ts';

const info = JSON.parse(readFileSync(process.env.CHAOS_EMULATOR ?? '', 'utf8')) as {
  graph: Parameters<typeof createApp>[0]['graph'];
  caPem: string;
};
const connector = process.env.CHAOS_CONNECTOR ?? '';
trustEmulatorCa(info.caPem);
const port = Number(process.env.PORT);
const config = loadConfig({
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  CLOCK: 'test',
  ...(process.env.CHAOS_DIRECTORY ? { DIRECTORY_FILE: process.env.CHAOS_DIRECTORY } : {}),
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  DATA_DIR: process.env.DATA_DIR ?? '/tmp/concord-chaos-unused',
  LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'silent',
  NODE_ENV: 'test',
});
const schema = process.env.CHAOS_SCHEMA;
const app = await createApp({
  config,
  ...(process.env.CHAOS_DIRECTORY ? { directoryFile: process.env.CHAOS_DIRECTORY } : {}),
  ...(process.env.DATABASE_URL && schema
    ? { storeTarget: { engine: 'postgres' as const, url: process.env.DATABASE_URL, schema } }
    : {}),
  log: createLogger({ level: config.logLevel }),
  testClockStart: new Date('2027-01-11T09:30:00.000Z'),
  pollIntervalMs: 50,
  maintenance: false,
  graph: info.graph,
  // Every person's cards go to the driver's stand-in Bot Connector.
  conversationOpener: ({ refs }) => ({
    async open(person) {
      await refs.save({
        personId: person.id,
        aadObjectId: null,
        reference: {
          channelId: 'msteams',
          serviceUrl: connector,
          conversation: { id: `cards-${person.id}`, conversationType: 'personal' },
          bot: { id: 'concord-bot', name: 'Concord' },
          user: { id: `teams-${person.id}`, name: person.name },
        },
      });
      return { ok: true };
    },
  }),
});
// Ready as a load balancer sees it: /readyz answers (the HTTP server is up and the store migrated).
// `listen` goes on to subscribe the mailboxes and catch up on them through Graph, which under
// injected faults takes tens of seconds; kills fall in that part too.
const listening = app.listen(port).catch((error: unknown) => {
  process.stderr.write(`listen failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
for (;;) {
  const ok = await fetch(`http://127.0.0.1:${port}/readyz`)
    .then((r) => r.ok)
    .catch(() => false);
  if (ok) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
process.stdout.write('ready\n');
await listening;
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
