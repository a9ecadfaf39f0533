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
    expect(v).toEqual({ ok: true, value: { caseReference: 'CASE-1', details: RAISE_DETAILS } });
  });

  it('reports every field problem at once, each naming its field, in the form order', () => {
    const v = validateRaise(
      {
        ...raised,
        immediateRiskChecked: false as unknown as true,
        caseReference: 'Jane Smith!',
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
