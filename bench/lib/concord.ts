/**
 * Concord as `createApp` composes it, against the local Microsoft 365 emulator (loopback, seeded
 * from the sample directory) and the tests' stand-in Bot Connector, on the store the bench names.
 */
import {
  type Emulator,
  graphTargetOf,
  startEmulator,
  tabSignInOf,
  trustEmulatorCa,
} from '@concord/m365-emulator';
import { type App, createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { StoreTarget } from '../../src/store/open-store.ts';
import { type BotConnector, startBotConnector } from '../../tests/support/bot-connector.ts';
import { freePort } from '../../tests/support/wait.ts';

export interface BenchConcord {
  readonly app: App;
  readonly m365: Emulator;
  readonly connector: BotConnector;
  readonly url: string;
  close(): Promise<void>;
}

export async function startConcord(storeTarget: StoreTarget, directoryFile: string): Promise<BenchConcord> {
  const m365 = await startEmulator({ directory: directoryFile });
  const untrust = trustEmulatorCa(m365.caPem);
  const connector = await startBotConnector();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: url,
    CLOCK: 'test',
    DATA_DIR: '/tmp/concord-bench-unused',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
  });
  const app = await createApp({
    config,
    storeTarget,
    directoryFile,
    testClockStart: new Date('2027-01-04T09:00:00.000Z'),
    conversationOpener: connector.conversationOpener,
    maintenance: false,
    graph: graphTargetOf(m365),
    // The Disputes tab signs in as local mode does (the emulator's tokens).
    tabSignIn: tabSignInOf(m365),
  });
  await app.listen(port);
  return {
    app,
    m365,
    connector,
    url,
    async close() {
      await app.stop();
      await connector.close();
      await m365.close();
      untrust();
    },
  };
}
