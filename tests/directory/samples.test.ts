/**
 * The sample partnerships, one per procedure: each loads with the directory loader, and for every
 * dispute between two of its organisations every party every stage needs resolves to a person on
 * the right side.
 */
import { describe, expect, it } from 'vitest';
import { loadDirectory } from '../../src/directory/load.ts';
import { createRoleResolver } from '../../src/directory/resolver.ts';
import { SAMPLE_DIRECTORIES } from '../../src/directory/samples.ts';
import type { Directory } from '../../src/directory/schema.ts';
import type { PersonRef } from '../../src/domain/dispute/types.ts';
import type { Party, ProcedureDefinition } from '../../src/domain/procedure/schema.ts';
import { getProcedure, PROCEDURE_IDS } from '../../src/procedures/index.ts';

type Side = Party['side'];
type Dispute = { raisingOrganisationId: string; counterpartOrganisationId: string; raisedBy: PersonRef };

/** Every party-shaped object (`{ role, side }`) under `value`, with its JSON path. */
function partiesIn(value: unknown, path: string): { path: string; party: Party }[] {
  if (!value || typeof value !== 'object') return [];
  const found: { path: string; party: Party }[] = [];
  const object = value as Record<string, unknown>;
  if (typeof object.role === 'string' && typeof object.side === 'string') {
    found.push({ path, party: { substitutes: [], ...object } as unknown as Party });
  }
  for (const [key, child] of Object.entries(object)) found.push(...partiesIn(child, `${path}.${key}`));
  return found;
}

function organisationsOf(directory: Directory, person: PersonRef): string[] {
  const delegatedFor = directory.organisations
    .filter((o) => o.delegates.some((d) => d.person === person.id))
    .map((o) => o.id);
  return [person.organisationId, ...delegatedFor];
}

/** Resolves every party of every stage in ladder order; returns what could not be resolved. */
function walk(directory: Directory, procedure: ProcedureDefinition, dispute: Dispute): string[] {
  const resolver = createRoleResolver({ directory });
  const current: Partial<Record<Side, PersonRef>> = { raising: dispute.raisedBy };
  const problems: string[] = [];
  const resolve = (path: string, party: Party): PersonRef | null => {
    const relativeTo = current[party.side];
    const person = resolver.resolve({ party, dispute, ...(relativeTo ? { relativeTo } : {}) });
    if (!person) {
      problems.push(`${path}: no ${party.side} ${party.role}`);
      return null;
    }
    const expected =
      party.side === 'raising'
        ? dispute.raisingOrganisationId
        : party.side === 'counterpart'
          ? dispute.counterpartOrganisationId
          : null;
    if (expected && !organisationsOf(directory, person).includes(expected))
      problems.push(`${path}: ${party.side} ${party.role} resolved to ${person.id} outside ${expected}`);
    return person;
  };
  procedure.stages.forEach((stage, index) => {
    const path = `stages[${index}] ${stage.id}`;
    const next: Partial<Record<Side, PersonRef>> = {};
    const actor = resolve(`${path}.actor`, stage.actor);
    if (actor) next[stage.actor.side] = actor;
    for (const { path: partyPath, party } of partiesIn(stage, path)) {
      if (partyPath === `${path}.actor`) continue;
      const person = resolve(partyPath, party);
      if (person && partyPath.startsWith(`${path}.with`) && !next[party.side]) next[party.side] = person;
    }
    Object.assign(current, next);
  });
  const { stages: _stages, ...rest } = procedure;
  for (const { path, party } of partiesIn(rest, procedure.id)) resolve(path, party);
  return problems;
}

/** Organisations that can take each side of the first stage: those where its parties resolve. */
function partyOrganisations(directory: Directory, procedure: ProcedureDefinition) {
  const first = procedure.stages[0];
  if (!first) throw new Error(`${procedure.id} has no stages`);
  const uses = directory.organisations.filter((o) => o.procedures.includes(procedure.id));
  const holds = (orgId: string, party: Party) =>
    [party.role, ...party.substitutes.map((s) => s.role)].some((role) =>
      directory.people.some((p) => p.organisation === orgId && p.roles.includes(role)),
    );
  const raising = uses.filter((o) => first.actor.side !== 'raising' || holds(o.id, first.actor));
  const counterpartParties = first.with.filter((p) => p.side === 'counterpart');
  const counterpart = uses.filter((o) => counterpartParties.every((p) => holds(o.id, p)));
  return { raising, counterpart };
}

describe.each(PROCEDURE_IDS.map((id) => [id, SAMPLE_DIRECTORIES[id]] as const))(
  '%s sample partnership (%s)',
  (procedureId, file) => {
    const procedure = getProcedure(procedureId) as ProcedureDefinition;

    it('loads, names the partnership, uses only fictional role-named people, and runs its procedure', async () => {
      const directory = await loadDirectory(file);
      expect(directory.partnership?.name).toMatch(/fictional/i);
      expect(directory.organisations.some((o) => o.tenant === 'host')).toBe(true);
      for (const person of directory.people) {
        expect(person.displayName).toMatch(/, /);
        expect(person.email).toMatch(/\.example$/);
      }
      for (const org of directory.organisations) expect(org.procedures).toContain(procedureId);
      // The Agents Playground user (user-id-0) plays the raiser, in the host tenant.
      const playground = directory.people.find((p) => p.teamsUserId === 'user-id-0');
      const raiserRole = procedure.stages[0]?.actor.role ?? '';
      expect(playground?.roles).toContain(raiserRole);
      const org = directory.organisations.find((o) => o.id === playground?.organisation);
      expect(org?.tenant).toBe('host');
    });

    it('resolves every party of every stage for each dispute between two of its organisations', async () => {
      const directory = await loadDirectory(file);
      const { raising, counterpart } = partyOrganisations(directory, procedure);
      const pairs = raising.flatMap((r) =>
        counterpart.filter((c) => c.id !== r.id).map((c) => [r, c] as const),
      );
      expect(pairs.length).toBeGreaterThan(0);
      const problems: string[] = [];
      for (const [raisingOrg, counterpartOrg] of pairs) {
        const raiser = createRoleResolver({ directory }).resolve({
          party: procedure.stages[0]!.actor,
          dispute: {
            raisingOrganisationId: raisingOrg.id,
            counterpartOrganisationId: counterpartOrg.id,
            raisedBy: { id: '', name: '', email: '', organisationId: raisingOrg.id },
          },
        });
        expect(raiser, `${raisingOrg.id} has no raiser`).not.toBeNull();
        const dispute = {
          raisingOrganisationId: raisingOrg.id,
          counterpartOrganisationId: counterpartOrg.id,
          raisedBy: raiser as PersonRef,
        };
        problems.push(
          ...walk(directory, procedure, dispute).map((p) => `${raisingOrg.id} → ${counterpartOrg.id}: ${p}`),
        );
      }
      expect(problems).toEqual([]);
    });
  },
);

describe('what each sample shows', () => {
  const resolveIn = async (
    file: string,
    dispute: Omit<Dispute, 'raisedBy'>,
    party: Party,
    relativeTo?: string,
  ) => {
    const directory = await loadDirectory(file);
    const person = (id: string) => {
      const p = directory.people.find((x) => x.id === id);
      if (!p) throw new Error(id);
      return { id: p.id, name: p.displayName, email: p.email, organisationId: p.organisation };
    };
    const raisedBy = directory.people.find((p) => p.organisation === dispute.raisingOrganisationId);
    return createRoleResolver({ directory }).resolve({
      party,
      dispute: { ...dispute, raisedBy: person(raisedBy?.id ?? '') },
      ...(relativeTo ? { relativeTo: person(relativeTo) } : {}),
    })?.id;
  };
  const party = (p: Partial<Party> & Pick<Party, 'role' | 'side'>): Party =>
    ({ substitutes: [], ...p }) as Party;

  it("Dudley: a school's head teacher and a self-employed professional's safeguarding lead deal with Stage 2", async () => {
    const stage2 = getProcedure('dudley-dscb')!.stages[1]!;
    const counterpartManager = stage2.with[0]!;
    const dudley = SAMPLE_DIRECTORIES['dudley-dscb'];
    const school = { raisingOrganisationId: 'dudley-council', counterpartOrganisationId: 'castle-primary' };
    expect(await resolveIn(dudley, school, counterpartManager, 'castle-primary-class-teacher')).toBe(
      'castle-primary-head-teacher',
    );
    const selfEmployed = {
      raisingOrganisationId: 'dudley-council',
      counterpartOrganisationId: 'play-therapist',
    };
    expect(await resolveIn(dudley, selfEmployed, counterpartManager, 'play-therapist-therapist')).toBe(
      'therapy-network-safeguarding-lead',
    );
    // The Head of Safeguarding is copied in from the council even when the council is a party.
    const police = { raisingOrganisationId: 'dudley-council', counterpartOrganisationId: 'dudley-police' };
    expect(
      await resolveIn(dudley, police, party({ role: 'head-of-safeguarding', side: 'independent' })),
    ).toBe('dudley-council-head-of-safeguarding');
    expect(
      await resolveIn(dudley, police, party({ role: 'board-independent-chair', side: 'independent' })),
    ).toBe('dscb-independent-chair');
  });

  it('IRO: everyone but CAFCASS is in the host tenant, and CAFCASS is found as the independent party', async () => {
    const file = SAMPLE_DIRECTORIES['iro-drp'];
    const directory = await loadDirectory(file);
    const external = directory.organisations.filter((o) => o.tenant === 'external').map((o) => o.id);
    expect(external).toEqual(['cafcass']);
    const dispute = {
      raisingOrganisationId: 'northborough-cssu',
      counterpartOrganisationId: 'northborough-csc',
    };
    expect(await resolveIn(file, dispute, party({ role: 'cafcass', side: 'independent' }))).toBe(
      'cafcass-service-manager',
    );
    expect(await resolveIn(file, dispute, party({ role: 'cssu-service-manager', side: 'raising' }))).toBe(
      'northborough-cssu-service-manager',
    );
  });

  it('NEL: children’s and adults’ agencies, and the boards’ independent panel', async () => {
    const file = SAMPLE_DIRECTORIES['nel-lscb-sab'];
    const dispute = { raisingOrganisationId: 'nel-childrens', counterpartOrganisationId: 'nel-adults' };
    expect(await resolveIn(file, dispute, party({ role: 'independent-panel', side: 'independent' }))).toBe(
      'nel-boards-independent-panel',
    );
  });

  it('Solihull: the Business Team sits in the host tenant; the Sub-Committee Chair is outside unless a party', async () => {
    const file = SAMPLE_DIRECTORIES['solihull-ssab'];
    const directory = await loadDirectory(file);
    expect(directory.organisations.find((o) => o.id === 'ssab')?.tenant).toBe('host');
    const chair = party({ role: 'sub-committee-chair', side: 'independent' });
    const withHealth = {
      raisingOrganisationId: 'solihull-adults',
      counterpartOrganisationId: 'solihull-health',
    };
    expect(await resolveIn(file, withHealth, chair)).toBe('solihull-police-sub-committee-chair');
    expect(
      await resolveIn(file, withHealth, party({ role: 'board-business-team', side: 'independent' })),
    ).toBe('ssab-business-team');
    expect(
      await resolveIn(file, withHealth, party({ role: 'board-independent-chair', side: 'independent' })),
    ).toBe('ssab-chair-independent-chair');
  });
});
