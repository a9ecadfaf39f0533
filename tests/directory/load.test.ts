import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryFileError, loadDirectory, parseDirectory } from '../../src/directory/load.ts';
import { BUILT_IN_ROLES, roleVocabulary } from '../../src/directory/roles.ts';
import { loadProcedures } from '../../src/procedures/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: these tests mutate raw JSON to break it on purpose.
type RawJson = any;

const SAMPLE = 'directory/sample-ane.json';

describe('the sample ANE directory', () => {
  it('is valid, with ANE in the host tenant and five external partner councils', async () => {
    const dir = await loadDirectory(SAMPLE);
    const host = dir.organisations.filter((o) => o.tenant === 'host');
    expect(host.map((o) => o.id)).toEqual(['ane']);
    expect(dir.organisations.filter((o) => o.tenant === 'external').map((o) => o.id)).toEqual([
      'gateshead',
      'newcastle',
      'north-tyneside',
      'northumberland',
      'south-tyneside',
    ]);
    expect(dir.hostTenant.domain).toBe('ane.example');
  });

  it('has every ANE ladder role on both sides', async () => {
    const dir = await loadDirectory(SAMPLE);
    for (const org of dir.organisations) {
      const roles = new Set(dir.people.filter((p) => p.organisation === org.id).flatMap((p) => p.roles));
      for (const role of [
        'practitioner',
        'team-manager',
        'service-manager',
        'head-of-service',
        'assistant-director',
      ])
        expect(roles, `${org.id} lacks ${role}`).toContain(role);
    }
  });

  it('maps the Agents Playground users to ANE people for local-mode role switching', async () => {
    const dir = await loadDirectory(SAMPLE);
    const byTeams = new Map(dir.people.filter((p) => p.teamsUserId).map((p) => [p.teamsUserId, p]));
    expect(byTeams.get('user-id-0')?.roles).toContain('practitioner');
    expect(byTeams.get('user-id-1')?.roles).toContain('team-manager');
    expect(byTeams.get('user-id-2')?.roles).toContain('service-manager');
    expect(byTeams.get('user-id-3')?.roles).toContain('assistant-director');
  });

  it('leaves some managers to Graph (entra only) and picks a counterpart where a partner has two', async () => {
    const dir = await loadDirectory(SAMPLE);
    const graphOnly = dir.people.filter((p) => !p.manager && p.entra?.manager);
    expect(graphOnly.length).toBeGreaterThanOrEqual(2);
    expect(dir.counterparts).toContainEqual({
      organisation: 'ane',
      partner: 'newcastle',
      role: 'team-manager',
      person: 'newcastle-permanence-team-manager',
    });
  });

  it("uses only role names from the procedures' vocabulary and no realistic personal names", async () => {
    const dir = await loadDirectory(SAMPLE);
    const vocabulary = [
      ...roleVocabulary(loadProcedures().values()).keys(),
      ...BUILT_IN_ROLES.map((role) => role.id),
    ];
    for (const p of dir.people) {
      for (const r of p.roles) expect(vocabulary).toContain(r);
      expect(p.displayName).toMatch(/, /);
    }
  });
});

describe('validation errors name the bad path', () => {
  const base = () => ({
    version: 1,
    hostTenant: { tenantId: '0a7e5000-0000-4000-8000-000000000001', domain: 'ane.example' },
    organisations: [
      {
        id: 'ane',
        name: 'ANE',
        kind: 'regional-adoption-agency',
        domain: 'ane.example',
        tenant: 'host',
        division: 'england-and-wales',
      },
    ],
    people: [
      {
        id: 'a',
        displayName: 'A, ANE',
        email: 'a@ane.example',
        organisation: 'ane',
        jobTitle: 'SW',
        roles: ['practitioner'],
      },
    ],
  });

  it('applies defaults (working hours, closure days, counterparts)', () => {
    const result = parseDirectory(base());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.directory.organisations[0]?.workingHours).toEqual({
      start: '09:00',
      end: '17:00',
      days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      timeZone: 'Europe/London',
    });
    expect(result.directory.counterparts).toEqual([]);
  });

  it.each([
    [
      'unknown manager',
      (d: RawJson) => (d.people[0].manager = 'nobody'),
      'people[0].manager',
      'unknown person "nobody"',
    ],
    ['bad role', (d: RawJson) => (d.people[0].roles = ['boss']), 'people[0].roles[0]', ''],
    [
      'email outside the domain',
      (d: RawJson) => (d.people[0].email = 'a@else.example'),
      'people[0].email',
      'ane.example',
    ],
    ['unknown property', (d: RawJson) => (d.people[0].nickname = 'x'), 'people[0]', 'nickname'],
    ['bad kind', (d: RawJson) => (d.organisations[0].kind = 'charity'), 'organisations[0].kind', ''],
    [
      'bad closure day',
      (d: RawJson) => (d.organisations[0].closureDays = ['31/12/2026']),
      'organisations[0].closureDays[0]',
      'YYYY-MM-DD',
    ],
    ['self manager', (d: RawJson) => (d.people[0].manager = 'a'), 'people[0].manager', 'own manager'],
    [
      'unknown counterpart',
      (d: RawJson) =>
        (d.counterparts = [{ organisation: 'ane', partner: 'x', role: 'team-manager', person: 'a' }]),
      'counterparts[0].partner',
      'unknown organisation',
    ],
    [
      'sending from a shared mailbox it does not have',
      (d: RawJson) => (d.organisations[0].sendFrom = 'shared-mailbox'),
      'organisations[0].sendFrom',
      'needs the organisation',
    ],
    [
      'sending from a shared mailbox in another tenant',
      (d: RawJson) =>
        Object.assign(d.organisations[0], {
          tenant: 'external',
          sendFrom: 'shared-mailbox',
          sharedMailbox: 'disputes@ane.example',
        }),
      'organisations[0].sendFrom',
      'only an organisation in the host tenant',
    ],
  ])('%s', (_name, mutate, path, message) => {
    const data = base();
    mutate(data);
    const result = parseDirectory(data);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issue = result.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(result.issues)).toBeDefined();
    expect(issue?.message).toContain(message);
  });

  it('detects a manager cycle', () => {
    const data: RawJson = base();
    data.people.push({ ...data.people[0], id: 'b', email: 'b@ane.example', manager: 'a' });
    data.people[0].manager = 'b';
    const result = parseDirectory(data);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.some((i) => i.message.includes('cycle'))).toBe(true);
  });

  it('loadDirectory throws DirectoryFileError naming the file and the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-dir-'));
    const file = join(dir, 'bad.json');
    const data: RawJson = base();
    data.people[0].manager = 'ghost';
    await writeFile(file, JSON.stringify(data));
    const error = await loadDirectory(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryFileError);
    expect((error as Error).message).toContain(`${file}: people[0].manager: unknown person "ghost"`);
    await writeFile(file, '{ nope');
    await expect(loadDirectory(file)).rejects.toThrow(/not valid JSON/);
    await expect(loadDirectory(join(dir, 'missing.json'))).rejects.toThrow(/cannot read/);
  });
});
