/**
 * Wording follows the procedure: an adults' procedure never speaks of a care plan, a child or an
 * allocated social worker; a children-and-adults procedure follows the raiser's choice, and is
 * neutral until there is one.
 */
import { describe, expect, it } from 'vitest';
import { raiseDisputeModel } from '../../src/cards/from-domain.ts';
import { getProcedure, loadProcedures } from '../../src/procedures/index.ts';
import { aboutWords } from '../../src/wording/audience.ts';

const CHILDRENS_WORDS = /care plan|child|allocated social worker/i;

function labelsOf(id: string, about?: 'child' | 'adult') {
  const procedure = getProcedure(id);
  if (!procedure) throw new Error(id);
  return raiseDisputeModel({
    draftId: 'draft-1',
    seq: 1,
    procedure,
    procedures: [...loadProcedures().values()],
    partners: [{ value: 'partner', title: 'Partner agency' }],
    ...(about ? { draft: { about } as never } : {}),
    viewer: { personId: null, refreshUserIds: [] },
  }).labels;
}

describe('adults and children', () => {
  it("Solihull (adults): the raise form's own labels say nothing of children", () => {
    const labels = labelsOf('solihull-ssab');
    expect(Object.values(labels).join('\n')).not.toMatch(CHILDRENS_WORDS);
    expect(labels.issue).toBe('What is in dispute and its impact on the adult');
  });

  it('NEL (children and adults): the raiser says who it is about, and the words follow', () => {
    // The wizard asks "Who is this dispute about?" before the form (tests/bot/raise-wizard.test.ts).
    expect(Object.values(labelsOf('nel-lscb-sab', 'adult')).join('\n')).not.toMatch(CHILDRENS_WORDS);
    expect(labelsOf('nel-lscb-sab', 'child').issue).toBe('What is in dispute and its impact on the child');
    const nel = getProcedure('nel-lscb-sab');
    if (!nel) throw new Error('nel');
    expect(aboutWords(nel).person).toBe('the person at the centre of the dispute');
    expect(aboutWords(nel, 'adults').person).toBe('the adult');
    expect(aboutWords(nel, 'children').impactOn).toBe('the care plan');
    // A subject the procedure does not cover is ignored.
    const solihull = getProcedure('solihull-ssab');
    if (!solihull) throw new Error('solihull');
    expect(aboutWords(solihull, 'children').person).toBe('the adult');
  });

  it('ANE (children) keeps its own words', () => {
    expect(labelsOf('ane').issue).toBe('What is in dispute and its impact on the care plan');
  });
});
