import { describe, expect, it } from 'vitest';
import type { DisputeEvent } from '../../../src/domain/dispute/types.ts';
import { validateRaise } from '../../../src/domain/dispute/validate.ts';
import { getProcedure } from '../../../src/procedures/index.ts';
import { person, RAISE_DETAILS } from './fixtures.ts';

const ane = getProcedure('ane')!;
const dudley = getProcedure('dudley-dscb')!;

const raised: Extract<DisputeEvent, { type: 'raised' }> = {
  type: 'raised',
  disputeId: 'd1',
  by: person('ane', 'social-worker'),
  immediateRiskChecked: true,
  caseReference: 'CASE-1',
  raisingOrganisationId: 'ane',
  counterpartOrganisationId: 'partner',
  category: ane.categories[0]!.id,
  details: RAISE_DETAILS,
};

describe('validateRaise', () => {
  it('returns the trimmed input when every field is good', () => {
    const v = validateRaise({ ...raised, caseReference: '  CASE-1 ' }, ane);
    expect(v).toEqual({
      ok: true,
      value: { caseReference: 'CASE-1', details: RAISE_DETAILS, about: 'child' },
    });
  });

  it('reports every field problem at once, each naming its field, in the form order', () => {
    const v = validateRaise(
      {
        ...raised,
        immediateRiskChecked: false as unknown as true,
        caseReference: 'Case 2026 <b>',
        category: 'nope',
        counterpartOrganisationId: 'ane',
        urgency: 'high',
        details: { issue: ' ', informalAttempts: 'x'.repeat(4001), resolutionSought: 'ok' },
      },
      ane,
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.map((e) => [e.field, e.code])).toEqual([
      ['immediateRiskChecked', 'immediate-risk-unconfirmed'],
      ['caseReference', 'case-reference-invalid'],
      ['category', 'category-unknown'],
      ['counterpartOrganisationId', 'partner-is-own-organisation'],
      ['urgency', 'urgency-not-used'],
      ['issue', 'text-required'],
      ['informalAttempts', 'text-too-long'],
    ]);
    expect(v.errors.every((e) => e.reason === 'invalid-input')).toBe(true);
    expect(v.errors.find((e) => e.field === 'informalAttempts')?.params).toMatchObject({
      length: 4001,
      max: 4000,
    });
  });

  it('asks for an urgency level where the procedure grades urgency', () => {
    const v = validateRaise({ ...raised, category: dudley.categories[0]!.id }, dudley);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors).toEqual([expect.objectContaining({ field: 'urgency', reason: 'urgency-required' })]);
  });
});

describe('typed text is cleaned before it is kept (what reaches emails and cards)', () => {
  const withIssue = (issue: string) =>
    validateRaise({ ...raised, details: { ...RAISE_DETAILS, issue } }, ane);

  it('drops bidirectional overrides and isolates, so a line reads as it was stored', () => {
    const v = withIssue('Report due \u202Eetad on\u202C \u2066soon\u2069');
    expect(v.ok && v.value.details.issue).toBe('Report due etad on soon');
  });

  it('drops zero-width spaces, word joiners and byte-order marks', () => {
    const v = withIssue('\uFEFFRe\u200Bport\u2060 delayed');
    expect(v.ok && v.value.details.issue).toBe('Report delayed');
  });

  it('keeps the joiners scripts and emoji need, and stores NFC', () => {
    const v = withIssue('Cafe\u0301 \u{1F469}\u200D\u{1F467}');
    expect(v.ok && v.value.details.issue).toBe('Caf\u00E9 \u{1F469}\u200D\u{1F467}');
  });

  it('refuses a required field of only invisible characters as empty', () => {
    const v = withIssue('\u200B\u200B\u200D\uFEFF ');
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.map((e) => [e.field, e.code])).toEqual([['issue', 'text-required']]);
  });

  it('cleans a case reference before checking it, so a bidi override never reaches a subject line', () => {
    expect(validateRaise({ ...raised, caseReference: 'CASE-1\u202E' }, ane)).toMatchObject({
      ok: true,
      value: { caseReference: 'CASE-1' },
    });
  });
});

const solihull = getProcedure('solihull-ssab')!;
const nel = getProcedure('nel-lscb-sab')!;
const under = (procedure: typeof ane, extra: Partial<typeof raised> = {}) =>
  validateRaise({ ...raised, category: procedure.categories[0]!.id, ...extra }, procedure);
const codes = (v: ReturnType<typeof validateRaise>) => (v.ok ? [] : v.errors.map((e) => [e.field, e.code]));

describe('out of scope: the raiser confirms the dispute is none of what the procedure excludes', () => {
  it('Solihull (conduct concerns) and NEL (whistleblowing) refuse a raise without it, naming what to use instead', () => {
    for (const procedure of [solihull, nel]) {
      const v = under(procedure, { about: 'adult' });
      expect(codes(v)).toEqual([['outOfScopeConfirmed', 'out-of-scope-unconfirmed']]);
      const instead = procedure.outOfScope.map((o) => o.instead);
      expect(!v.ok && v.errors[0]?.params.instead).toEqual(instead);
    }
    expect(under(solihull, { about: 'adult' }).ok).toBe(false);
    expect(under(solihull, { outOfScopeConfirmed: true }).ok).toBe(true);
  });

  it('is not asked where the procedure excludes nothing (ANE)', () => {
    expect(ane.outOfScope).toEqual([]);
    expect(under(ane).ok).toBe(true);
  });
});

describe('who the dispute is about follows appliesTo', () => {
  it('NEL (children and adults): the raiser must say a child or an adult at risk, and it is kept', () => {
    expect(codes(under(nel, { outOfScopeConfirmed: true }))).toEqual([['about', 'about-required']]);
    for (const about of ['child', 'adult'] as const) {
      const v = under(nel, { outOfScopeConfirmed: true, about });
      expect(v.ok && v.value.about).toBe(about);
    }
    const forged = under(nel, { outOfScopeConfirmed: true, about: 'someone' as 'child' });
    expect(codes(forged)).toEqual([['about', 'about-required']]);
  });

  it('Solihull is about adults and ANE about children, without asking; the other is refused', () => {
    const adult = under(solihull, { outOfScopeConfirmed: true });
    expect(adult.ok && adult.value.about).toBe('adult');
    expect(codes(under(solihull, { outOfScopeConfirmed: true, about: 'child' }))).toEqual([
      ['about', 'about-not-covered'],
    ]);
    const child = under(ane);
    expect(child.ok && child.value.about).toBe('child');
  });
});

describe('a case reference that reads like a name is a warning the raiser can confirm past', () => {
  const ref = (caseReference: string, confirmed = false) =>
    under(ane, { caseReference, ...(confirmed ? { caseReferenceConfirmed: true as const } : {}) });

  it.each([
    'Jayden.Smith',
    'J Smith',
    'Smith, Jayden',
    'jayden.smith',
    'JSMITH',
    'Jayden.Smith.2026',
    'Smith Jayden 01',
  ])('%s is warned about, naming the reference', (caseReference) => {
    const v = ref(caseReference);
    expect(codes(v)).toEqual([['caseReference', 'case-reference-looks-like-name']]);
    expect(!v.ok && v.errors[0]?.params.reference).toBe(caseReference);
  });

  it.each(['Jayden.Smith', 'J Smith', 'JSMITH', 'Jayden.Smith.2026'])(
    '%s passes once the raiser confirms it is the reference',
    (caseReference) => {
      const v = ref(caseReference, true);
      expect(v.ok && v.value.caseReference).toBe(caseReference);
    },
  );

  it('a confirmed name-like reference still needs the reference form (no commas)', () => {
    expect(codes(ref('Smith, Jayden', true))).toEqual([['caseReference', 'case-reference-invalid']]);
  });

  it.each([
    'ANE-2026-0042', // ANE sample
    'GH-2026/0412',
    'SD-2026/0003',
    '943 476 5919', // an NHS number as it is written
    'PID 123456', // NEL: "Case name or PID number"
    'NE24C00123', // a court case number
    'ANE-CS-1',
    'Case 2026-007',
    'CF_0012345', // a Care First id
    '1234567', // a Mosaic person id
  ])('real reference format %s passes with no warning', (caseReference) => {
    const v = ref(caseReference);
    expect(v.ok && v.value.caseReference).toBe(caseReference);
  });

  it('says how long a reference over the limit is, before any name warning', () => {
    expect(codes(ref('Smith'.repeat(20)))).toEqual([['caseReference', 'case-reference-invalid']]);
    const v = ref(`ANE-${'1'.repeat(60)}`);
    expect(!v.ok && v.errors[0]).toMatchObject({
      field: 'caseReference',
      code: 'case-reference-invalid',
      params: { length: 64, max: 40 },
    });
  });
});
