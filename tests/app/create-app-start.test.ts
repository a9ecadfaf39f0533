/**
 * createApp's start: the directory loads while the store opens (issue 15: start-up). A directory
 * that cannot load fails the start with its own reason, and the store that did open meanwhile is
 * closed again (its data folder unlocked), not left open with the runtime's loops polling it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'concord-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('createApp start', () => {
  it('fails naming a missing directory file, and leaves the data folder unlocked', async () => {
    const start = createApp({
      config: loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir }),
      graph: {
        baseUrl: 'https://127.0.0.1:9/v1.0',
        authorityHost: 'https://127.0.0.1:9',
        tenantId: 'tenant',
        clientId: 'client',
        clientSecret: 'secret',
      },
      directoryFile: path.join(dataDir, 'no-such-directory.json'),
    });
    await expect(start).rejects.toThrow(/no-such-directory\.json/);
    // The store opened beside the directory (the folder now holds a database) and was closed again.
    expect(existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'concord.pid'))).toBe(false);
  }, 60_000);
});
