/**
 * The emulator's own seed schema: Concord's directory file is a seed (what the emulator does not
 * read is ignored), defaults match Microsoft 365's usual working week, and a bad seed file is refused
 * naming the file and each bad path.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../src/emulator.ts';
import { loadSeed, parseSeed, SeedFileError, type SeedInput } from '../src/seed.ts';
import { SAMPLE_DIRECTORY } from './helpers.ts';

const minimal = {
  hostTenant: { tenantId: '11111111-1111-4111-8111-111111111111', domain: 'host.example' },
  organisations: [
    {
      id: 'host',
      name: 'Host Agency',
      domain: 'host.example',
      tenant: 'host',
      sharedMailbox: 'Duty@Host.example',
    },
    {
      id: 'council',
      name: 'A Council',
      domain: 'council.example',
      tenant: 'external',
      workingHours: { start: '08:30', end: '16:30' },
    },
  ],
  people: [
    { id: 'boss', displayName: 'Bo Ss', email: 'Boss@host.example', organisation: 'host' },
    {
      id: 'worker',
      displayName: 'Wor Ker',
      email: 'worker@host.example',
      organisation: 'host',
      manager: 'boss',
    },
    { id: 'officer', displayName: 'Off Icer', email: 'officer@council.example', organisation: 'council' },
  ],
} satisfies SeedInput;

describe('the seed', () => {
  it('reads Concord’s sample directory file as a seed', async () => {
    const seed = await loadSeed(SAMPLE_DIRECTORY);
    expect(seed.people.length).toBeGreaterThan(3);
    expect(seed.organisations.some((o) => o.tenant === 'host')).toBe(true);
    expect(Object.keys(seed.people[0] ?? {})).not.toContain('roles');
  });

  it('applies Microsoft 365’s usual week and lower-cases addresses', () => {
    const seed = parseSeed(minimal);
    expect(seed.organisations[1]?.workingHours).toEqual({
      start: '08:30',
      end: '16:30',
      days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      timeZone: 'Europe/London',
    });
    expect(seed.people[0]?.email).toBe('boss@host.example');
    expect(seed.organisations[0]?.sharedMailbox).toBe('duty@host.example');
  });

  it('seeds users, managers, shared mailboxes and other tenants', async () => {
    const m365 = await startEmulator({ directory: minimal });
    try {
      const worker = m365.state.find('worker@host.example');
      const boss = m365.state.find('boss@host.example');
      expect(worker?.managerId).toBe(boss?.id);
      expect(m365.state.find('duty@host.example')?.kind).toBe('shared');
      const officer = m365.state.find('officer@council.example');
      expect(officer?.tenantId).not.toBe(m365.tenantId);
      expect(officer?.workingHours.startTime).toBe('08:30');
    } finally {
      await m365.close();
    }
  });

  it('refuses a bad seed file, naming the file and each bad path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-seed-'));
    const file = join(dir, 'seed.json');
    const bad = structuredClone(minimal);
    bad.people[1] = { ...bad.people[1]!, manager: 'nobody' };
    bad.people[2] = { ...bad.people[2]!, email: 'not-an-address' };
    await writeFile(file, JSON.stringify(bad));
    const error = await loadSeed(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedFileError);
    expect((error as Error).message).toContain(`${file}: people[1].manager: unknown person "nobody"`);
    expect((error as Error).message).toContain(`${file}: people[2].email: must be an email address`);
    await writeFile(file, '{ not json');
    await expect(loadSeed(file)).rejects.toThrow(/not valid JSON/);
  });
});
