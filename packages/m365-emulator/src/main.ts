/**
 * CLI: `npm run emulator -- [--directory FILE] [--port N] [--cert-dir DIR] [--faults JSON]`
 * Starts the local Microsoft 365 and prints the values Concord needs, then runs until interrupted.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.ts';
import { type FaultConfig, parseFaultsJson } from './faults.ts';
import { SeedFileError } from './seed.ts';

async function main(): Promise<number> {
  let values: { directory?: string; port?: string; 'cert-dir'?: string; faults?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        directory: { type: 'string', default: 'directory/sample-ane.json' },
        port: { type: 'string', default: '8443' },
        'cert-dir': { type: 'string', default: '.data/emulator' },
        faults: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    process.stderr.write(`emulator: ${(error as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(
      'usage: npm run emulator -- [--directory FILE] [--port N] [--cert-dir DIR] [--faults JSON]\n',
    );
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`emulator: --port must be a port number, not "${values.port}"\n`);
    return 2;
  }
  let faults: Partial<FaultConfig> | undefined;
  if (values.faults) {
    try {
      faults = parseFaultsJson(values.faults);
    } catch (error) {
      process.stderr.write(
        `emulator: --faults: ${(error as Error).message}; e.g. '{"rate429":0.1}' or '{"mailboxes":{"a@b.example":"access-denied"}}'\n`,
      );
      return 2;
    }
  }
  try {
    const m365 = await startEmulator({
      ...(values.directory ? { directory: values.directory } : {}),
      port,
      ...(values['cert-dir'] ? { certDir: values['cert-dir'] } : {}),
      ...(faults ? { faults } : {}),
    });
    const client = m365.clients[0];
    const lines = [
      `Microsoft 365 emulator listening on ${m365.origin}`,
      `  web UI:              ${m365.uiUrl}`,
      `  admin API:           ${m365.adminUrl}`,
      `  GRAPH_BASE_URL=${m365.graphBaseUrl}`,
      `  AUTHORITY_HOST=${m365.authorityHost}`,
      `  tenant id:           ${m365.tenantId}`,
      `  client id / secret:  ${client?.clientId} / ${client?.clientSecret}`,
      `  NODE_EXTRA_CA_CERTS=${m365.caPath ?? '(in memory)'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const stop = async () => {
      await m365.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return -1;
  } catch (error) {
    process.stderr.write(
      `emulator: ${error instanceof SeedFileError ? error.message : (error as Error).stack}\n`,
    );
    return 1;
  }
}

const code = await main();
if (code >= 0) process.exit(code);
