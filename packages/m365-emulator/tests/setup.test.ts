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
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  extractSubset,
  PROVENANCE_PATH,
  SUBSET_PATH,
  type SubsetProvenance,
  sha256,
} from '../src/csdl/extract-subset.ts';
import { loadCsdl, parseCsdl } from '../src/csdl.ts';
import { startEmulator } from '../src/emulator.ts';
import { loadOrCreateTls } from '../src/tls.ts';

/** Microsoft's full CSDL, when a checkout of the shared contract sits beside the repository. */
const FULL_CSDL = [
  '../../../../shared/graph/graph-v1.0-metadata.csdl.xml',
  '../../../../graph/graph-v1.0-metadata.csdl.xml',
]
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((p) => existsSync(p));
const PROVENANCE = JSON.parse(readFileSync(PROVENANCE_PATH, 'utf8')) as SubsetProvenance;

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

  it('is, byte for byte, the excerpt recorded with the source’s SHA-256 (runs on a fresh clone)', () => {
    expect(PROVENANCE.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256(readFileSync(SUBSET_PATH))).toBe(PROVENANCE.subsetSha256);
  });

  it.skipIf(!FULL_CSDL)(
    'is a verbatim excerpt of Microsoft’s full CSDL (needs ../shared/graph; the recorded hashes above hold without it)',
    () => {
      const source = readFileSync(FULL_CSDL as string);
      expect(sha256(source), 'the full CSDL is the one the excerpt was cut from').toBe(
        PROVENANCE.sourceSha256,
      );
      expect(extractSubset(source.toString('utf8'))).toBe(readFileSync(SUBSET_PATH, 'utf8'));
      const full = parseCsdl(source.toString('utf8'));
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
