/**
 * The emulator's own plumbing: the bundled CSDL excerpt matches Microsoft's full CSDL, certificates are
 * reused from a cert dir (so NODE_EXTRA_CA_CERTS stays valid), and a child process started with
 * NODE_EXTRA_CA_CERTS trusts the emulator with no code at all.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadCsdl, parseCsdl } from '../../src/emulator/csdl.ts';
import { startEmulator } from '../../src/emulator/emulator.ts';
import { loadOrCreateTls } from '../../src/emulator/tls.ts';

const FULL_CSDL = [
  '../shared/graph/graph-v1.0-metadata.csdl.xml',
  '../graph/graph-v1.0-metadata.csdl.xml',
].find((p) => existsSync(p));

describe('the bundled CSDL excerpt', () => {
  it('has the types and actions the emulator validates', () => {
    const model = loadCsdl();
    for (const t of [
      'message',
      'event',
      'subscription',
      'eventMessageRequest',
      'singleValueLegacyExtendedProperty',
    ])
      expect(model.entityTypes.has(t), t).toBe(true);
    expect([...(model.enumTypes.get('importance')?.members ?? [])]).toEqual(['low', 'normal', 'high']);
    expect(model.actions.map((a) => a.name)).toEqual(
      expect.arrayContaining(['send', 'createReply', 'reply', 'accept', 'getSchedule']),
    );
  });

  it.skipIf(!FULL_CSDL)(
    'is a verbatim excerpt of Microsoft’s full CSDL (skipped when ../shared/graph is absent)',
    () => {
      const full = parseCsdl(readFileSync(FULL_CSDL as string, 'utf8'));
      const subset = loadCsdl();
      for (const [name, type] of subset.entityTypes) expect(full.entityTypes.get(name), name).toEqual(type);
      for (const [name, type] of subset.complexTypes) expect(full.complexTypes.get(name), name).toEqual(type);
      for (const [name, type] of subset.enumTypes) expect(full.enumTypes.get(name), name).toEqual(type);
    },
  );
});

describe('TLS material', () => {
  it('is written to certDir and reused while valid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-emulator-certs-'));
    const first = await loadOrCreateTls(dir);
    const second = await loadOrCreateTls(dir);
    expect(first.caPath).toBe(join(dir, 'ca.pem'));
    expect(second.caPem).toBe(first.caPem);
    expect(second.certPem).toBe(first.certPem);
  });

  it('a process started with NODE_EXTRA_CA_CERTS reaches the emulator over verified HTTPS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-emulator-certs-'));
    const m365 = await startEmulator({ certDir: dir });
    try {
      const script = `const r = await fetch(${JSON.stringify(`${m365.adminUrl}/clock`)}); console.log(r.status);`;
      const run = promisify(execFile);
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: m365.caPath },
      });
      expect(stdout.trim()).toBe('200');
      const untrusted = await run(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: '' },
      }).catch((e: Error) => e);
      expect(untrusted).toBeInstanceOf(Error);
    } finally {
      await m365.close();
    }
  });
});
