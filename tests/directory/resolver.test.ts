import { beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryService, type ManagerSource } from '../../src/directory/directory-service.ts';
import { loadDirectory } from '../../src/directory/load.ts';
import { createRoleResolver } from '../../src/directory/resolver.ts';
import type { Directory } from '../../src/directory/schema.ts';
import type { PersonRef } from '../../src/domain/dispute/types.ts';
import type { Party } from '../../src/domain/procedure/schema.ts';

let directory: Directory;
beforeAll(async () => {
  directory = await loadDirectory('directory/sample-ane.json');
});

const ref = (id: string): PersonRef => {
  const p = directory.people.find((x) => x.id === id);
  if (!p) throw new Error(id);
  return { id: p.id, name: p.displayName, email: p.email, organisationId: p.organisation };
};
const party = (p: Partial<Party> & Pick<Party, 'role' | 'side'>): Party =>
  ({ substitutes: [], ...p }) as Party;
const dispute = (counterpart = 'gateshead') => ({
  raisingOrganisationId: 'ane',
  counterpartOrganisationId: counterpart,
  raisedBy: ref('ane-practitioner'),
});

describe('role resolver', () => {
  it('raising side: the holder in the raising organisation, found up the raiser’s chain', () => {
    const r = createRoleResolver({ directory });
    expect(
      r.resolve({ party: party({ role: 'team-manager', side: 'raising' }), dispute: dispute() })?.id,
    ).toBe('ane-team-manager');
    expect(
      r.resolve({ party: party({ role: 'practitioner', side: 'raising' }), dispute: dispute() })?.id,
    ).toBe('ane-practitioner');
  });

  it('counterpart side: the holder in the partner organisation', () => {
    const r = createRoleResolver({ directory });
    expect(
      r.resolve({ party: party({ role: 'team-manager', side: 'counterpart' }), dispute: dispute() }),
    ).toEqual(ref('gateshead-team-manager'));
  });

  it('counterparts[] chooses among several holders (Newcastle has two team managers)', () => {
    const r = createRoleResolver({ directory });
    const chosen = directory.counterparts.find((c) => c.partner === 'newcastle' && c.role === 'team-manager');
    expect(chosen).toBeDefined();
    expect(
      r.resolve({
        party: party({ role: 'team-manager', side: 'counterpart' }),
        dispute: dispute('newcastle'),
      })?.id,
    ).toBe(chosen?.person);
  });

  it('line-manager walks up the chain to the first holder of the role', () => {
    const r = createRoleResolver({ directory });
    const found = r.resolve({
      party: party({ role: 'team-manager', side: 'raising', relation: 'line-manager' }),
      dispute: dispute(),
      relativeTo: ref('ane-practitioner'),
    });
    expect(found?.id).toBe('ane-team-manager');
    // Skips a level: the practitioner's line manager holding head-of-service is two levels up.
    const hos = r.resolve({
      party: party({ role: 'head-of-service', side: 'raising', relation: 'line-manager' }),
      dispute: dispute(),
      relativeTo: ref('ane-team-manager'),
    });
    // The service manager's manager is only in Entra; without Graph the chain stops, and the
    // organisation's holder is used instead.
    expect(hos?.id).toBe('ane-assistant-director');
  });

  it('the Graph manager fills a gap in the file', () => {
    const withoutGraph = createRoleResolver({ directory });
    const withGraph = createRoleResolver({
      directory,
      graphManagerOf: (id) => (id === 'ane-service-manager' ? 'ane-assistant-director' : undefined),
    });
    const request = {
      party: party({ role: 'director', side: 'raising' as const, relation: 'line-manager' as const }),
      dispute: dispute(),
      relativeTo: ref('ane-service-manager'),
    };
    // Through Graph: service manager → assistant director → director.
    expect(withGraph.resolve(request)?.id).toBe('ane-director');
    // Without it, the organisation's holder (still the director) — but the chain itself is cut:
    expect(
      withoutGraph.resolve({
        ...request,
        party: party({ role: 'assistant-director', side: 'raising', relation: 'line-manager' }),
      })?.id,
    ).toBe('ane-assistant-director');
  });

  it('substitutes are tried in order when no one holds the role', () => {
    const r = createRoleResolver({ directory });
    expect(
      r.resolve({
        party: party({
          role: 'safeguarding-lead',
          side: 'raising',
          substitutes: [
            { role: 'board-business-team', when: 'x' },
            { role: 'head-of-service', when: 'or named lead' },
          ],
        }),
        dispute: dispute(),
      })?.id,
    ).toBe('ane-assistant-director');
  });

  it('independent: a holder in an organisation outside the dispute, kind other first', () => {
    const withBoard: Directory = {
      ...directory,
      organisations: [
        ...directory.organisations,
        {
          ...directory.organisations[0]!,
          id: 'board',
          name: 'Board',
          kind: 'other',
          domain: 'board.example',
          tenant: 'external',
          sharedMailbox: undefined,
        },
      ],
      people: [
        ...directory.people,
        {
          id: 'board-chair',
          displayName: 'Independent Chair',
          email: 'chair@board.example',
          organisation: 'board',
          jobTitle: 'Chair',
          roles: ['board-independent-chair'],
        },
      ],
    };
    const r = createRoleResolver({ directory: withBoard });
    expect(
      r.resolve({
        party: party({ role: 'board-independent-chair', side: 'independent' }),
        dispute: dispute(),
      })?.id,
    ).toBe('board-chair');
    expect(
      r.resolve({ party: party({ role: 'board-independent-chair', side: 'raising' }), dispute: dispute() }),
    ).toBeNull();
  });

  it('nobody holds the role: null', () => {
    const r = createRoleResolver({ directory });
    expect(r.resolve({ party: party({ role: 'iro', side: 'counterpart' }), dispute: dispute() })).toBeNull();
  });
});

describe('directory service', () => {
  it('looks people up and warms the Graph manager cache through the port', async () => {
    const asked: string[][] = [];
    const managers: ManagerSource = {
      async lookup(emails) {
        asked.push([...emails]);
        return new Map([
          [
            'service.manager@ane.example',
            {
              id: '11111111-1111-4111-8111-111111111111',
              manager: {
                id: '33333333-3333-4333-8333-333333333333',
                userPrincipalName: 'head.of.service@ane.example',
              },
            },
          ],
          ['director@ane.example', { id: '22222222-2222-4222-8222-222222222222', manager: null }],
        ]);
      },
    };
    const service = await createDirectoryService({ directory: 'directory/sample-ane.json', managers });
    expect(service.personByEmail('TEAM.MANAGER@ane.example')?.id).toBe('ane-team-manager');
    expect(service.personByTeamsUserId('user-id-0')?.id).toBe('ane-practitioner');
    const request = {
      party: party({
        role: 'assistant-director',
        side: 'raising' as const,
        relation: 'line-manager' as const,
      }),
      dispute: dispute(),
      relativeTo: ref('ane-service-manager'),
    };
    await service.warmManagers();
    expect(asked[0]).toContain('service.manager@ane.example');
    expect(asked[0]).not.toContain('team.manager@gateshead.example');
    expect(service.personByAadObjectId('11111111-1111-4111-8111-111111111111')?.id).toBe(
      'ane-service-manager',
    );
    expect(service.resolver.resolve(request)?.id).toBe('ane-assistant-director');
    expect(service.watchedMailboxes()).toContain('disputes@ane.example');
    expect(service.watchedMailboxes().every((e) => e.endsWith('@ane.example'))).toBe(true);
    expect(service.workingHours('northumberland')).toMatchObject({ start: '08:30', end: '16:30' });
  });
});
