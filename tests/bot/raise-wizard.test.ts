/**
 * The raise wizard as the practitioner in each sample partnership meets it (issues 10, 12 and 14):
 * what each procedure does not cover, shown before the form in its own words; NEL's child-or-adult
 * question kept in the dispute; answers over the limit refused with the count, never cut; a
 * name-like case reference warned about and confirmable; Dudley's urgency chosen per dispute; only
 * the person's own procedures and never an empty partner list; Cancel on every card.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unescapeCardText } from '../../src/cards/escape.ts';
import { loadDirectory } from '../../src/directory/load.ts';
import { SAMPLE_DIRECTORIES } from '../../src/directory/samples.ts';
import { INDEPENDENT_KINDS } from '../../src/directory/schema.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import {
  actionsOf,
  cardOf,
  createHarness,
  type Harness,
  inputsOf,
  openWizard,
  T0,
  textOf,
} from './harness.ts';

type Card = Record<string, unknown> | null;

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

/** The input with `id` (its JSON), or undefined. */
function inputOf(card: unknown, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && o.id === id) found = o;
      else Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The red line beside `field` (the error TextBlock right after its input). */
function errorBeside(card: unknown, field: string): string | null {
  const flat: Record<string, unknown>[] = [];
  const walk = (items: Record<string, unknown>[]) => {
    for (const item of items) {
      flat.push(item);
      if (Array.isArray(item.items)) walk(item.items as Record<string, unknown>[]);
    }
  };
  walk(((card as { body?: Record<string, unknown>[] })?.body ?? []) as Record<string, unknown>[]);
  const at = flat.findIndex((x) => x.id === field);
  const next = flat[at + 1];
  return at >= 0 && next?.type === 'TextBlock' && next.color === 'attention'
    ? unescapeCardText(String(next.text))
    : null;
}

/** "raise a dispute" → "No": the card after the immediate-risk question. */
async function afterRisk(h: Harness): Promise<Card> {
  const risk = cardOf(await h.say('practitioner', 'raise a dispute'));
  const no = actionsOf(risk).find((a) => a.verb === 'immediate-risk-no');
  return (await h.click('practitioner', 'immediate-risk-no', no?.data ?? {})).card;
}

const verbs = (card: Card) => actionsOf(card).map((a) => a.verb);

/** A raise that fits every sample: the first partner and category offered, good text. */
function answers(card: Card, extra: Record<string, string> = {}) {
  const submit = actionsOf(card).find((a) => a.verb === 'submit-raise');
  return {
    ...submit?.data,
    caseReference: 'REF-2026/0042',
    counterpartOrganisationId: choicesOf(card, 'counterpartOrganisationId')[0]?.value ?? '',
    category: choicesOf(card, 'category')[0]?.value ?? '',
    ...(inputsOf(card).includes('urgency') ? { urgency: choicesOf(card, 'urgency')[0]?.value ?? '' } : {}),
    issue: 'The agreed assessment has not been started, so the plan cannot move on.',
    informalAttempts: 'Raised by phone with the other worker on 5 January; no date was given.',
    resolutionSought: 'The assessment started within ten working days.',
    ...extra,
  };
}

const SAMPLES = Object.entries(SAMPLE_DIRECTORIES);

describe.each(SAMPLES)('the %s sample partnership', (procedureId, file) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ directory: file });
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  it('offers only its own procedure, never an empty partner list and never an independent body, and raises', async () => {
    const directory = await loadDirectory(file);
    const me = directory.people.find((p) => p.teamsUserId === 'user-id-0');
    const mine = directory.organisations.find((o) => o.id === me?.organisation);
    expect(mine?.procedures).toEqual([procedureId]);
    const procedure = getProcedure(procedureId)!;

    const first = await afterRisk(h);
    // Only what the procedure asks before the form; never a choice of procedure (there is one).
    expect(inputsOf(first)).not.toContain('procedureId');
    const { card, draftId } = await openWizard(h, 'practitioner', { about: 'child' });
    expect(textOf(card)).toContain(`Procedure: ${procedure.name}`);
    expect(verbs(card)).toEqual(expect.arrayContaining(['submit-raise', 'save-draft', 'cancel-raise']));

    const partners = choicesOf(card, 'counterpartOrganisationId').map((c) => c.value);
    expect(partners.length).toBeGreaterThan(0);
    const independent = directory.organisations
      .filter((o) => INDEPENDENT_KINDS.includes(o.kind))
      .map((o) => o.id);
    const expected = directory.organisations
      .filter((o) => o.id !== mine?.id && o.procedures.includes(procedureId) && !independent.includes(o.id))
      .map((o) => o.id);
    expect(partners).toEqual(expected);
    expect(partners.some((p) => independent.includes(p))).toBe(false);
    expect(choicesOf(card, 'category').map((c) => c.value)).toEqual(procedure.categories.map((c) => c.id));

    const { card: raised } = await h.click('practitioner', 'submit-raise', answers(card));
    expect(textOf(raised)).toContain('Dispute raised');
    const state = await h.service.get(draftId);
    expect(state?.procedureId).toBe(procedureId);
    expect(state?.about).toBe(procedure.appliesTo === 'adults' ? 'adult' : 'child');
  });
});

describe('Solihull: conduct concerns are shown before the form, with what to use instead', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ directory: SAMPLE_DIRECTORIES['solihull-ssab'] });
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  it('quotes the procedure, names the West Midlands Position of Trust Framework, and the form speaks of the adult', async () => {
    const start = await afterRisk(h);
    const text = textOf(start);
    expect(text).toContain('Before you start');
    expect(text).toContain(getProcedure('solihull-ssab')!.outOfScope[0]!.quote);
    expect(text).toContain('Use instead: West Midlands Position of Trust Framework.');
    expect(inputsOf(start)).toEqual([]);
    expect(actionsOf(start).map((a) => a.title)).toEqual(['It is none of these: continue', 'Cancel']);

    const go = actionsOf(start).find((a) => a.verb === 'raise-continue');
    const { card } = await h.click('practitioner', 'raise-continue', go?.data ?? {});
    expect(inputsOf(card)).toContain('caseReference');
    const words = JSON.stringify(card);
    expect(words).not.toMatch(/child|care plan|allocated social worker/i);
    expect(words).toMatch(/impact on the adult/);
    expect(words).toContain('The concern about the judgement or action of another practitioner');
  });

  it('a form submitted without "Before you start" (an old or forged card) raises nothing and shows it', async () => {
    const { card, draftId } = await openWizard(h);
    // The draft loses its confirmation, as one saved before the gate existed would have none.
    const draft = await h.ports.drafts.get('solihull-adults-staff-member');
    expect(draft?.startedFor).toBe('solihull-ssab');
    await h.ports.drafts.save('solihull-adults-staff-member', { ...draft!, startedFor: undefined });
    const { card: after } = await h.click('practitioner', 'submit-raise', answers(card));
    expect(textOf(after)).toContain('West Midlands Position of Trust Framework');
    expect(await h.service.get(draftId)).toBeNull();
    const go = actionsOf(after).find((a) => a.verb === 'raise-continue');
    const { card: form } = await h.click('practitioner', 'raise-continue', go?.data ?? {});
    const { card: raised } = await h.click('practitioner', 'submit-raise', answers(form));
    expect(textOf(raised)).toContain('Dispute raised');
  });

  it('Cancel on "Before you start" discards the draft', async () => {
    const start = await afterRisk(h);
    const cancel = actionsOf(start).find((a) => a.verb === 'cancel-raise');
    const { sent } = await h.click('practitioner', 'cancel-raise', cancel?.data ?? {});
    expect(sent.map((a) => a.text).join()).toContain('Your draft has been discarded');
    expect(await h.ports.drafts.get('solihull-adults-staff-member')).toBeNull();
  });
});

describe('NEL: whistleblowing is out of scope, and the raiser says whether it concerns a child or an adult', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ directory: SAMPLE_DIRECTORIES['nel-lscb-sab'] });
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  it('asks, refuses no answer beside the question, and keeps an adult at risk in the dispute', async () => {
    const start = await afterRisk(h);
    expect(textOf(start)).toContain("Use instead: Your agency's Whistleblowing Policy.");
    expect(choicesOf(start, 'about').map((c) => c.title)).toEqual([
      'A child or young person',
      'An adult at risk',
    ]);
    expect(inputOf(start, 'about')).toMatchObject({ isRequired: true });
    const go = actionsOf(start).find((a) => a.verb === 'raise-continue');

    const unanswered = await h.click('practitioner', 'raise-continue', go?.data ?? {});
    expect(errorBeside(unanswered.card, 'about')).toMatch(/child or an adult at risk/);
    expect(inputsOf(unanswered.card)).not.toContain('caseReference');

    const { card } = await h.click('practitioner', 'raise-continue', { ...go?.data, about: 'adult' });
    expect(inputOf(card, 'about')?.value).toBe('adult');
    expect(JSON.stringify(card)).toMatch(/impact on the adult/);
    expect(JSON.stringify(card)).toMatch(/not the person's name/);
    const { card: raised } = await h.click('practitioner', 'submit-raise', answers(card));
    expect(textOf(raised)).toContain('Dispute raised');
    const submit = actionsOf(card).find((a) => a.verb === 'submit-raise');
    const state = await h.service.get(String(submit?.data.disputeId));
    expect(state?.about).toBe('adult');
  });

  it('a child, changed on the form to an adult, is kept as the adult', async () => {
    const { card, draftId } = await openWizard(h, 'practitioner', { about: 'child' });
    expect(JSON.stringify(card)).toMatch(/impact on the child/);
    await h.click('practitioner', 'submit-raise', answers(card, { about: 'adult' }));
    expect((await h.service.get(draftId))?.about).toBe('adult');
  });
});

describe('answers over the limit are refused with the count, never cut', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  for (const verb of ['submit-raise', 'save-draft'] as const) {
    it(`${verb}: 20,000 characters are refused naming 20,000 and 4,000; the box still holds all of it`, async () => {
      const { card, draftId } = await openWizard(h);
      const before = await h.ports.drafts.get('ane-practitioner');
      const long = 'The plan has drifted. '.repeat(1000).slice(0, 20_000);
      expect(long).toHaveLength(20_000);
      const { card: after } = await h.click('practitioner', verb, answers(card, { issue: long }));
      expect(errorBeside(after, 'issue')).toBe(
        'This answer is 20,000 characters long; the limit is 4,000. Shorten it by 16,000 characters, then save or submit again. Nothing has been cut: all of your text is still in the box.',
      );
      expect(inputOf(after, 'issue')?.value).toBe(long);
      expect(inputOf(after, 'issue')?.maxLength).toBeUndefined();
      expect(errorBeside(after, 'resolutionSought')).toBeNull();
      expect(await h.service.get(draftId)).toBeNull();
      expect(await h.ports.drafts.get('ane-practitioner')).toEqual(before);
    });
  }

  it('three such answers: the card stays inside Teams’ size and says which it could not keep', async () => {
    const { card, draftId } = await openWizard(h);
    const long = (n: number) => 'x'.repeat(n);
    const { card: after } = await h.click(
      'practitioner',
      'submit-raise',
      answers(card, { issue: long(20_000), informalAttempts: long(15_000), resolutionSought: long(12_000) }),
    );
    expect(JSON.stringify(after).length).toBeLessThanOrEqual(40_000);
    const said = ['issue', 'informalAttempts', 'resolutionSought'].map((f) => errorBeside(after, f) ?? '');
    expect(said.every((s) => /characters long; the limit is 4,000/.test(s))).toBe(true);
    // The longest are left out, and say so; what fits stays as typed.
    expect(said[0]).toMatch(/^This answer is 20,000 characters long.*it was not kept/);
    expect(inputOf(after, 'issue')?.value).toBe('');
    expect(said[2]).toMatch(/^This answer is 12,000 characters long.*all of your text is still in the box/);
    expect(inputOf(after, 'resolutionSought')?.value).toBe(long(12_000));
    expect(await h.service.get(draftId)).toBeNull();
  });

  it('an answer at the limit is kept whole and raised; the card shows the limit', async () => {
    const { card, draftId } = await openWizard(h);
    expect(textOf(card)).toContain('Up to 4,000 characters.');
    const exactly = 'y'.repeat(4000);
    const saved = await h.click('practitioner', 'save-draft', answers(card, { issue: exactly }));
    expect(textOf(saved.card)).toContain('4,000 of 4,000 characters');
    const { card: raised } = await h.click(
      'practitioner',
      'submit-raise',
      answers(saved.card, { issue: exactly }),
    );
    expect(textOf(raised)).toContain('Dispute raised');
    expect((await h.service.get(draftId))?.details.issue).toBe(exactly);
  });

  it('marks every free-text field required, and the note agrees', async () => {
    const { card } = await openWizard(h);
    for (const id of ['caseReference', 'issue', 'informalAttempts', 'resolutionSought']) {
      expect(inputOf(card, id)).toMatchObject({ isRequired: true });
      expect(String(inputOf(card, id)?.errorMessage)).not.toBe('');
    }
    expect(textOf(card)).toContain('Every field marked * is needed.');
  });
});

describe('a case reference that reads like a name', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  it.each(['Jayden.Smith', 'J Smith'])(
    '%s is warned about, then raised once confirmed',
    async (reference) => {
      const { card, draftId } = await openWizard(h);
      expect(inputOf(card, 'caseReferenceConfirmed')).toBeUndefined();
      const warned = await h.click(
        'practitioner',
        'submit-raise',
        answers(card, { caseReference: reference }),
      );
      expect(errorBeside(warned.card, 'caseReference')).toContain(
        `"${reference}" looks like a person's name`,
      );
      expect(errorBeside(warned.card, 'caseReference')).toContain('subject of every email');
      expect(await h.service.get(draftId)).toBeNull();
      const toggle = inputOf(warned.card, 'caseReferenceConfirmed');
      expect(toggle).toMatchObject({ type: 'Input.Toggle', valueOn: reference, valueOff: '' });

      // Teams sends the toggle's valueOn when it is ticked.
      const submit = actionsOf(warned.card).find((a) => a.verb === 'submit-raise');
      const { card: raised } = await h.click('practitioner', 'submit-raise', {
        ...answers(warned.card, { caseReference: reference }),
        ...submit?.data,
        caseReferenceConfirmed: reference,
      });
      expect(textOf(raised)).toContain('Dispute raised');
      expect((await h.service.get(draftId))?.caseReference).toBe(reference);
    },
  );

  it('a confirmation holds only for the reference confirmed', async () => {
    const { card, draftId } = await openWizard(h);
    await h.click('practitioner', 'submit-raise', answers(card, { caseReference: 'Jayden.Smith' }));
    const { card: again } = await h.click(
      'practitioner',
      'submit-raise',
      answers(card, { caseReference: 'Smith Jayden', caseReferenceConfirmed: 'Jayden.Smith' }),
    );
    expect(errorBeside(again, 'caseReference')).toContain('"Smith Jayden" looks like a person\'s name');
    expect(inputOf(again, 'caseReferenceConfirmed')).toMatchObject({ valueOn: 'Smith Jayden' });
    expect(await h.service.get(draftId)).toBeNull();
  });

  it.each(['ANE-2026-0042', '943 476 5919', 'PID 123456', 'NE24C00123'])(
    'real reference format %s raises with no warning',
    async (reference) => {
      const { card, draftId } = await openWizard(h);
      const { card: raised } = await h.click(
        'practitioner',
        'submit-raise',
        answers(card, { caseReference: reference }),
      );
      expect(textOf(raised)).toContain('Dispute raised');
      expect((await h.service.get(draftId))?.caseReference).toBe(reference);
    },
  );
});

describe("Dudley: urgency is chosen per dispute and sets the stage's timescale", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ directory: SAMPLE_DIRECTORIES['dudley-dscb'] });
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  const dudley = getProcedure('dudley-dscb')!;

  it("offers the procedure's urgency levels, required", async () => {
    const { card } = await openWizard(h);
    expect(choicesOf(card, 'urgency')).toEqual(
      dudley.urgencyLevels!.map((u) => ({ value: u.id, title: u.label })),
    );
    expect(inputOf(card, 'urgency')).toMatchObject({ isRequired: true });
    const missing = await h.click('practitioner', 'submit-raise', answers(card, { urgency: '' }));
    expect(errorBeside(missing.card, 'urgency')).toContain('Choose how urgent this is');
  });

  it.each([
    ['immediately', 1],
    ['within-24-hours', 24],
  ] as const)(
    '%s: the state keeps it and Stage 1 is due %i hour(s) after raising',
    async (urgency, hours) => {
      const { card, draftId } = await openWizard(h);
      const { card: raised } = await h.click('practitioner', 'submit-raise', answers(card, { urgency }));
      expect(textOf(raised)).toContain('Dispute raised');
      const state = await h.service.get(draftId);
      expect(state?.urgency).toBe(urgency);
      expect(state?.stage.due).toBe(new Date(T0.getTime() + hours * 3_600_000).toISOString());
    },
  );

  it('over a longer period: kept, with no hours deadline', async () => {
    const { card, draftId } = await openWizard(h);
    await h.click('practitioner', 'submit-raise', answers(card, { urgency: 'longer-period' }));
    const state = await h.service.get(draftId);
    expect(state?.urgency).toBe('longer-period');
    expect(state?.stage.due).not.toBe(new Date(T0.getTime() + 3_600_000).toISOString());
  });
});

describe('Cancel on every card of the way', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  it('the immediate-risk question and its contacts card both offer Cancel', async () => {
    const risk = cardOf(await h.say('practitioner', 'raise a dispute'));
    expect(verbs(risk)).toContain('cancel-raise');
    const yes = actionsOf(risk).find((a) => a.verb === 'immediate-risk-yes');
    const { card: contacts } = await h.click('practitioner', 'immediate-risk-yes', yes?.data ?? {});
    expect(textOf(contacts)).toContain('Contact them now');
    const cancel = actionsOf(contacts).find((a) => a.verb === 'cancel-raise');
    const { sent } = await h.click('practitioner', 'cancel-raise', cancel?.data ?? {});
    expect(sent.map((a) => a.text).join()).toContain('Cancelled: nothing was kept.');
    expect(await h.ports.drafts.get('ane-practitioner')).toBeNull();
  });

  it('the form offers Cancel, which discards the draft', async () => {
    const { card, draftId } = await openWizard(h);
    const cancel = actionsOf(card).find((a) => a.verb === 'cancel-raise');
    expect(cancel?.data.disputeId).toBe(draftId);
    const { sent } = await h.click('practitioner', 'cancel-raise', cancel?.data ?? {});
    expect(sent.map((a) => a.text).join()).toContain('Your draft has been discarded');
  });
});
