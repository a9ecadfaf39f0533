/**
 * Issue 10, the raise wizard: only the procedures of the person's organisation that have a partner
 * in the directory are offered (and Concord says plainly when there are none), the category list
 * follows the chosen procedure, and a draft can always be discarded, after which the person can
 * raise again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadDirectory } from '../../src/directory/load.ts';
import type { Directory } from '../../src/directory/schema.ts';
import {
  actionsOf,
  cardOf,
  createHarness,
  GOOD_RAISE,
  type Harness,
  inputsOf,
  openWizard,
  textOf,
} from './harness.ts';

const PERSON = 'ane-practitioner';
const DUDLEY = 'dudley-dscb';

/** The sample ANE partnership with each organisation's procedures replaced. */
async function directoryWith(procedures: Readonly<Record<string, readonly string[]>>): Promise<Directory> {
  const sample = await loadDirectory('directory/sample-ane.json');
  return {
    ...sample,
    organisations: sample.organisations.map((o) => ({
      ...o,
      procedures: [...(procedures[o.id] ?? o.procedures)],
    })),
  };
}

/** The values and titles of a card's choice set. */
function choicesOf(card: unknown, id: string): { value: string; title: string }[] {
  let found: { value: string; title: string }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Input.ChoiceSet' && o.id === id)
        found = o.choices as { value: string; title: string }[];
      else Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

function inputValue(card: unknown, id: string): unknown {
  let found: unknown;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && o.id === id) found = o.value;
      else Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

describe('a procedure with no partner in the directory', () => {
  let h: Harness;
  beforeAll(async () => {
    // ANE's organisation also uses Dudley's procedure, but no partner organisation does.
    h = await createHarness({ directory: await directoryWith({ ane: ['ane', DUDLEY] }) });
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  it('is not offered: only procedures with partners, never an empty partner list', async () => {
    const { card } = await openWizard(h);
    // One procedure left: no "Before you start" choice, the form names it.
    expect(textOf(card)).toContain('Procedure: Adopt North East');
    expect(actionsOf(card).map((a) => a.verb)).not.toContain('raise-change-procedure');
    expect(choicesOf(card, 'counterpartOrganisationId').length).toBeGreaterThan(0);
  });

  it('cannot be chosen by a forged submit, and the person can still raise', async () => {
    const { draftId } = await openWizard(h);
    const forged = await h.click('practitioner', 'submit-raise', {
      disputeId: draftId,
      seq: 0,
      ...GOOD_RAISE,
      procedureId: DUDLEY,
    });
    expect(textOf(forged.card)).toContain('Dispute raised');
    expect((await h.service.get(draftId))?.procedureId).toBe('ane');
  });

  it('does not trap the person when a draft names it', async () => {
    await h.ports.drafts.save(PERSON, {
      draftId: 'stale-draft',
      seq: 3,
      fields: { procedureId: DUDLEY, caseReference: 'ANE-88', category: 'course-of-action' },
      immediateRiskChecked: true,
      savedAt: null,
    });
    const { card, draftId } = await openWizard(h);
    expect(draftId).toBe('stale-draft');
    expect(textOf(card)).toContain('Procedure: Adopt North East');
    expect(inputValue(card, 'caseReference')).toBe('ANE-88');
    const { card: raised } = await h.click('practitioner', 'submit-raise', {
      disputeId: draftId,
      seq: 3,
      ...GOOD_RAISE,
      procedureId: 'ane',
    });
    expect(textOf(raised)).toContain('Dispute raised');
  });
});

describe('an organisation none of whose procedures has a partner', () => {
  let h: Harness;
  beforeAll(async () => {
    const others = ['gateshead', 'newcastle', 'north-tyneside', 'northumberland', 'south-tyneside'];
    h = await createHarness({
      directory: await directoryWith(Object.fromEntries(others.map((id) => [id, [DUDLEY]]))),
    });
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  it('says so plainly, and stores no draft', async () => {
    const sent = await h.say('practitioner', 'raise a dispute');
    expect(cardOf(sent)).toBeNull();
    const said = sent.map((a) => a.text).join();
    expect(said).toContain('Concord cannot raise a dispute for you yet');
    expect(said).toContain('no partner organisation');
    expect(said).toContain('ANE');
    expect(said).toContain('999');
    for (const [verb, data] of [
      ['raise', {}],
      ['immediate-risk-no', { procedureId: 'ane' }],
      ['submit-raise', { ...GOOD_RAISE, procedureId: 'ane' }],
    ] as const) {
      const clicked = await h.click('practitioner', verb, data);
      expect(clicked.sent.map((a) => a.text).join()).toContain('Concord cannot raise a dispute for you yet');
      expect(inputsOf(clicked.card)).toEqual([]);
    }
    expect(await h.ports.drafts.get(PERSON)).toBeNull();
  });
});

describe('two procedures with partners', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({
      directory: await directoryWith({ ane: ['ane', DUDLEY], gateshead: ['ane', DUDLEY] }),
    });
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  /** "raise a dispute" → "No": the "Before you start" card. */
  async function startCard() {
    const risk = cardOf(await h.say('practitioner', 'raise a dispute'));
    const no = actionsOf(risk).find((a) => a.verb === 'immediate-risk-no');
    return (await h.click('practitioner', 'immediate-risk-no', no?.data ?? {})).card;
  }

  it('asks which procedure first, and the form then has only that procedure’s lists', async () => {
    const start = await startCard();
    expect(choicesOf(start, 'procedureId').map((c) => c.value)).toEqual(['ane', DUDLEY]);
    expect(inputsOf(start)).not.toContain('category');
    const go = actionsOf(start).find((a) => a.verb === 'raise-continue');
    expect(actionsOf(start).map((a) => a.verb)).toContain('cancel-raise');

    const dudley = await h.click('practitioner', 'raise-continue', { ...go?.data, procedureId: DUDLEY });
    const categories = choicesOf(dudley.card, 'category').map((c) => c.value);
    expect(categories).toContain('course-of-action');
    expect(categories).not.toContain('incomplete-documentation');
    expect(inputsOf(dudley.card)).toContain('urgency');
    expect(choicesOf(dudley.card, 'counterpartOrganisationId').map((c) => c.value)).toEqual(['gateshead']);
    expect(textOf(dudley.card)).toContain('Procedure: Dudley Safeguarding Children Board');

    // Change procedure → "Before you start" → ANE: ANE's lists, none of Dudley's.
    const submit = actionsOf(dudley.card).find((a) => a.verb === 'submit-raise');
    const draftId = String(submit?.data.disputeId);
    await h.click('practitioner', 'save-draft', {
      ...submit?.data,
      ...GOOD_RAISE,
      counterpartOrganisationId: 'gateshead',
      category: 'course-of-action',
    });
    const change = actionsOf(
      (await h.click('practitioner', 'save-draft', { disputeId: draftId, seq: 1 })).card,
    ).find((a) => a.verb === 'raise-change-procedure');
    expect(change?.title).toBe('Change procedure');
    const again = await h.click('practitioner', 'raise-change-procedure', change?.data ?? {});
    const go2 = actionsOf(again.card).find((a) => a.verb === 'raise-continue');
    const ane = await h.click('practitioner', 'raise-continue', { ...go2?.data, procedureId: 'ane' });
    const aneCategories = choicesOf(ane.card, 'category').map((c) => c.value);
    expect(aneCategories).toContain('incomplete-documentation');
    expect(aneCategories).not.toContain('course-of-action');
    expect(inputsOf(ane.card)).not.toContain('urgency');
    // Dudley's category is not carried over; the typed text and the shared partner are.
    expect(inputValue(ane.card, 'category')).toBe('');
    expect(inputValue(ane.card, 'issue')).toBe(GOOD_RAISE.issue);
    expect(inputValue(ane.card, 'counterpartOrganisationId')).toBe('gateshead');
    expect(await h.service.get(draftId)).toBeNull();
  });

  it('a submit naming another procedure than the form showed raises nothing and shows that one’s lists', async () => {
    const { draftId } = await openWizard(h, 'practitioner', { procedureId: 'ane' });
    const switched = await h.click('practitioner', 'submit-raise', {
      disputeId: draftId,
      seq: 1,
      ...GOOD_RAISE,
      procedureId: DUDLEY,
    });
    expect(await h.service.get(draftId)).toBeNull();
    // Dudley has nothing to settle beyond the choice of procedure: its form, with its lists.
    expect(choicesOf(switched.card, 'category').map((c) => c.value)).toContain('course-of-action');
    expect(inputValue(switched.card, 'category')).toBe('');
    expect(textOf(switched.card)).toContain('now those of Dudley DSCB');
  });

  it('raises under the chosen procedure', async () => {
    const { draftId } = await openWizard(h, 'practitioner', { procedureId: DUDLEY });
    const { card } = await h.click('practitioner', 'submit-raise', {
      disputeId: draftId,
      seq: 1,
      ...GOOD_RAISE,
      counterpartOrganisationId: 'gateshead',
      category: 'course-of-action',
      urgency: 'longer-period',
    });
    expect(textOf(card)).toContain('Dispute raised');
    const state = await h.service.get(draftId);
    expect(state?.procedureId).toBe(DUDLEY);
    expect(state?.category).toBe('course-of-action');
    expect(state?.counterpartOrganisationId).toBe('gateshead');
  });
});

describe('discarding a draft', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  it('"cancel" typed discards it, and the person can raise again', async () => {
    const { draftId } = await openWizard(h);
    await h.click('practitioner', 'save-draft', { disputeId: draftId, seq: 0, caseReference: 'ANE-77' });
    const said = await h.say('practitioner', 'Cancel');
    expect(said.map((a) => a.text).join()).toContain('Your draft has been discarded');
    expect(await h.ports.drafts.get(PERSON)).toBeNull();
    const again = await openWizard(h);
    expect(again.draftId).not.toBe(draftId);
    expect(JSON.stringify(again.card)).not.toContain('ANE-77');
    const { card } = await h.click('practitioner', 'submit-raise', {
      disputeId: again.draftId,
      seq: 0,
      ...GOOD_RAISE,
    });
    expect(textOf(card)).toContain('Dispute raised');
    expect((await h.say('practitioner', 'cancel')).map((a) => a.text).join()).toContain(
      'no draft to discard',
    );
  });

  it('Cancel on the wizard card discards it; that card cannot be used afterwards', async () => {
    const { card, draftId } = await openWizard(h);
    const cancel = actionsOf(card).find((a) => a.verb === 'cancel-raise');
    expect(cancel?.title).toBe('Cancel');
    const { card: after, sent } = await h.click('practitioner', 'cancel-raise', cancel?.data ?? {});
    expect(sent.map((a) => a.text).join()).toContain('Your draft has been discarded');
    expect(actionsOf(after).map((a) => a.verb)).toContain('raise');
    expect(await h.ports.drafts.get(PERSON)).toBeNull();
    const stale = await h.click('practitioner', 'submit-raise', {
      disputeId: draftId,
      seq: 0,
      ...GOOD_RAISE,
    });
    expect(textOf(stale.card)).toContain('This form is out of date');
    expect(await h.service.get(draftId)).toBeNull();
    const again = await openWizard(h);
    expect(again.draftId).not.toBe(draftId);
  });

  it('an old card cannot discard a newer draft', async () => {
    const first = await openWizard(h);
    await h.say('practitioner', 'cancel');
    const second = await openWizard(h);
    const { card } = await h.click('practitioner', 'cancel-raise', { disputeId: first.draftId, seq: 0 });
    expect(textOf(card)).toContain('This form is out of date');
    expect((await h.ports.drafts.get(PERSON))?.draftId).toBe(second.draftId);
  });
});

describe('choosing, on "Before you start", a procedure with out-of-scope matters', () => {
  let h: Harness;
  const SOLIHULL = 'solihull-ssab';
  beforeAll(async () => {
    h = await createHarness({
      directory: await directoryWith({ ane: ['ane', SOLIHULL], gateshead: ['ane', SOLIHULL] }),
    });
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  it('shows that procedure’s matters before anything is confirmed for it, then its form', async () => {
    const risk = cardOf(await h.say('practitioner', 'raise a dispute'));
    const no = actionsOf(risk).find((a) => a.verb === 'immediate-risk-no');
    const start = (await h.click('practitioner', 'immediate-risk-no', no?.data ?? {})).card;
    // ANE is shown first: it excludes nothing.
    expect(textOf(start)).not.toContain('Position of Trust');
    const go = actionsOf(start).find((a) => a.verb === 'raise-continue');
    const switched = await h.click('practitioner', 'raise-continue', { ...go?.data, procedureId: SOLIHULL });
    expect(textOf(switched.card)).toContain('You chose Solihull SSAB');
    expect(textOf(switched.card)).toContain('Use instead: West Midlands Position of Trust Framework.');
    expect(inputsOf(switched.card)).not.toContain('caseReference');
    expect((await h.ports.drafts.get(PERSON))?.startedFor).toBeUndefined();
    const go2 = actionsOf(switched.card).find((a) => a.verb === 'raise-continue');
    const form = await h.click('practitioner', 'raise-continue', { ...go2?.data, procedureId: SOLIHULL });
    expect(textOf(form.card)).toContain('Procedure: Solihull Safeguarding Adults Board');
    expect(choicesOf(form.card, 'category').map((c) => c.value)).toContain('failure-to-refer');
    expect((await h.ports.drafts.get(PERSON))?.startedFor).toBe(SOLIHULL);
  });
});
