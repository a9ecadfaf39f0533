import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/directory/load.ts';
import { createRoleResolver } from '../../src/directory/resolver.ts';
import { roleVocabulary } from '../../src/directory/roles.ts';
import { loadProcedures } from '../../src/procedures/index.ts';
import { NEW_ROLE, sixthProcedure } from './sixth-procedure.ts';

// biome-ignore lint/suspicious/noExplicitAny: raw directory JSON, edited before validation.
type RawJson = any;

/** The ANE sample with a Gateshead kinship navigator who works under the sixth procedure. */
function directoryWithNewRole(): RawJson {
  const raw: RawJson = JSON.parse(readFileSync('directory/sample-ane.json', 'utf8'));
  for (const org of raw.organisations)
    if (org.id === 'ane' || org.id === 'gateshead') org.procedures.push('kinship-care');
  raw.people.push({
    id: 'gateshead-kinship-navigator',
    displayName: 'Kinship Navigator, Gateshead',
    email: 'kinship.navigator@gateshead.example',
    organisation: 'gateshead',
    jobTitle: 'Kinship Navigator',
    roles: [NEW_ROLE],
  });
  return raw;
}

describe('the role vocabulary comes from the procedures', () => {
  it('is the union of the roles every loaded procedure names', () => {
    const procedures = [...loadProcedures().values()];
    const vocabulary = roleVocabulary(procedures);
    for (const procedure of procedures)
      for (const role of procedure.roles) expect(vocabulary.get(role.id)).toContain(procedure.id);
    expect(vocabulary.get('iro')).toEqual(['iro-drp']);
    expect(vocabulary.has(NEW_ROLE)).toBe(false);
  });

  it('refuses a role no loaded procedure names, by path', () => {
    const result = parseDirectory(directoryWithNewRole());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const last = directoryWithNewRole().people.length - 1;
    expect(result.issues).toContainEqual({
      path: `people[${last}].roles[0]`,
      message: expect.stringContaining(`unknown role "${NEW_ROLE}"`),
    });
    expect(result.issues).toContainEqual({
      path: 'organisations[0].procedures[1]',
      message: expect.stringContaining('unknown procedure "kinship-care"'),
    });
  });

  it('accepts the same directory once a sixth procedure naming the role is loaded, with no code change', () => {
    const procedures = [...loadProcedures().values(), sixthProcedure()];
    const result = parseDirectory(directoryWithNewRole(), { procedures });
    expect(result.ok ? [] : result.issues).toEqual([]);
    if (!result.ok) return;
    const stage1 = sixthProcedure().stages[0]!;
    const raiser = result.directory.people.find((p) => p.id === 'ane-practitioner')!;
    const navigator = createRoleResolver({ directory: result.directory }).resolve({
      party: stage1.with[0]!,
      dispute: {
        raisingOrganisationId: 'ane',
        counterpartOrganisationId: 'gateshead',
        raisedBy: { id: raiser.id, name: raiser.displayName, email: raiser.email, organisationId: 'ane' },
      },
    });
    expect(navigator?.id).toBe('gateshead-kinship-navigator');
  });

  it("accepts a partnership's own role declared in the directory's roles", () => {
    const raw = directoryWithNewRole();
    raw.organisations[0].procedures = ['ane'];
    raw.organisations[1].procedures = ['ane'];
    raw.roles = [{ id: NEW_ROLE, label: 'Kinship Navigator (oversight of kinship placements)' }];
    const result = parseDirectory(raw);
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('checks counterparts and delegates against the vocabulary too', () => {
    const raw: RawJson = JSON.parse(readFileSync('directory/sample-ane.json', 'utf8'));
    raw.counterparts[0].role = 'permanence-lead';
    raw.organisations[1].delegates = [{ role: 'quality-lead', person: 'ane-team-manager' }];
    const result = parseDirectory(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((issue) => issue.path);
    expect(paths).toContain('counterparts[0].role');
    expect(paths).toContain('organisations[1].delegates[0].role');
  });
});
