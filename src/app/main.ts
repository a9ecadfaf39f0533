/**
 * `npm run serve`: Concord against real Microsoft 365 (or any Graph and authority the config
 * names). Reads the configuration once, starts the runtime, the bot and the Graph webhooks, and
 * stops cleanly on SIGTERM/SIGINT. Local mode with the emulator and the Playground is `npm start`.
 */
import { loadConfigOrExit } from '../config/index.ts';
import { createLogger } from '../log/index.ts';
import { preparePglite } from '../store/open-store.ts';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const bot = config.bot;
  if (!bot?.tenantId || !bot.password) {
    console.error(
      'npm run serve needs BOT_ID, BOT_PASSWORD and BOT_TENANT_ID (the Entra app for the bot and app-only Graph). For local mode use npm start.',
    );
    process.exit(2);
  }
  if (!config.directoryFile) {
    console.error('npm run serve needs DIRECTORY_FILE: the organisations and people Concord works with.');
    process.exit(2);
  }
  // PGlite's WebAssembly compiles on V8's background threads while the rest of Concord's modules
  // load on this one (issue 15: start-up); `createApp` is imported only after that has begun.
  if (!config.databaseUrl)
    void preparePglite({ optimisingCompiler: config.pgliteOptimisingCompiler === true });
  const { createApp } = await import('./create-app.ts');
  const log = createLogger({ level: config.logLevel });
  const app = await createApp({
    config,
    log,
    graph: {
      baseUrl: config.graphBaseUrl,
      authorityHost: config.authorityHost,
      tenantId: bot.tenantId,
      clientId: bot.id,
      clientSecret: bot.password,
      customHosts: [new URL(config.graphBaseUrl).host],
    },
  });
  const { url } = await app.listen(config.port);
  log.info({ url, publicUrl: config.publicUrl, engine: app.runtime.store.engine }, 'Concord is listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await app.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`Concord failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
