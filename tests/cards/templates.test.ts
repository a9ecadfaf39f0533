/**
 * Every card template, rendered from a representative view-model (hostile text included), parses
 * with the adaptivecards library without parse or validation events, keeps its properties, and
 * follows the card rules: Action.Execute with an Action.Submit fallback carrying the same data,
 * refresh for the acting person, labelled and validated inputs, deadlines and the overall cap on
 * every dispute card, read-only for everyone but the person whose step it is.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeCardText, unescapeCardText } from '../../src/cards/escape.ts';
import { raiseDisputeModel, raiseStartModel } from '../../src/cards/from-domain.ts';
import { CASE_REFERENCE_PATTERN } from '../../src/cards/inputs.ts';
import { presentDeadlines } from '../../src/cards/present.ts';
import { CARD_LIMITS } from '../../src/cards/present-disputes.ts';
import { rag } from '../../src/cards/rag.ts';
import { CardRenderError, fillTemplate, renderCard, TEMPLATES } from '../../src/cards/render.ts';
import { CARD_VERBS, isCardVerb, parseVerb, UI_VERBS, VERBS } from '../../src/cards/verbs.ts';
import { TEMPLATE_NAMES, type TemplateName } from '../../src/cards/view-models.ts';
import { CASE_REFERENCE } from '../../src/domain/dispute/validate.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { parseCard } from './adaptive-cards-lib.ts';
import {
  ANE,
  DISPUTE_TEMPLATES,
  FIXTURES,
  HOSTILE,
  HOSTILE_MARKERS,
  MEGAN,
  WATCHING_VIEWER,
} from './fixtures.ts';

type Json = Record<string, unknown>;

const render = <K extends TemplateName>(name: K) => renderCard(name, FIXTURES[name]);

function walk(v: unknown, visit: (o: Json, path: string) => void, path = '$'): void {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) walk(x, visit, `${path}[${i}]`);
  } else if (v && typeof v === 'object') {
    visit(v as Json, path);
    for (const [k, x] of Object.entries(v)) walk(x, visit, `${path}.${k}`);
  }
}

function objectsOfType(card: object, type: string): Json[] {
  const out: Json[] = [];
  walk(card, (o) => {
    if (o.type === type) out.push(o);
  });
  return out;
}

/** Every string a person reads as (markdown) text: TextBlock text and FactSet titles/values. */
function displayedText(card: object): string[] {
  const out: string[] = [];
  walk(card, (o) => {
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'FactSet')
      for (const f of o.facts as { title: string; value: string }[]) out.push(f.title, f.value);
  });
  return out;
}

/** Values the library drops on a round trip because they are defaults; anything else dropped is a typo. */
const DEFAULTS = new Set<unknown>([false, '', 'default', 'none', 'auto', 'compact']);

function droppedProperties(original: object, roundTripped: object): string[] {
  const present = new Map<string, unknown>();
  const collect = (v: unknown, p: string) => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) collect(x, `${p}[${i}]`);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        // The JS library keeps an action's `fallback` only for unknown types; hosts use it.
        if (k === 'fallback') continue;
        present.set(`${p}.${k}`, x);
        collect(x, `${p}.${k}`);
      }
    }
  };
  collect(original, '$');
  const keptLeaves = new Set<string>();
  const collectKept = (v: unknown, p: string) => {
    keptLeaves.add(p);
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) collectKept(x, `${p}[${i}]`);
    } else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) collectKept(x, `${p}.${k}`);
  };
  collectKept(roundTripped, '$');
  return [...present.entries()]
    .filter(
      ([p, v]) => !keptLeaves.has(p) && !DEFAULTS.has(v as never) && !(Array.isArray(v) && v.length === 0),
    )
    .filter(([p]) => ![...present.keys()].some((q) => p.startsWith(`${q}.`) && !keptLeaves.has(q)))
    .map(([p]) => p);
}

describe.each(TEMPLATE_NAMES)('template %s', (name) => {
  const card = render(name);

  it('is an Adaptive Card 1.5 with its $schema', () => {
    const raw = JSON.parse(
      readFileSync(new URL(`../../adaptive-cards/${name}.json`, import.meta.url), 'utf8'),
    );
    expect(raw.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
    expect(raw.version).toBe('1.5');
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
  });

  it('parses with the adaptivecards library without parse or validation events', () => {
    const report = parseCard(card);
    expect(report.parseEvents).toEqual([]);
    expect(report.validationEvents).toEqual([]);
  });

  it('loses no property on a parse round trip (no misspelt or unknown properties)', () => {
    expect(droppedProperties(card, parseCard(card).card.toJSON() as object)).toEqual([]);
  });

  it('has no unbound template expression and shows hostile text only escaped', () => {
    const texts = displayedText(card);
    expect(texts.join('\n')).not.toContain('${');
    for (const marker of HOSTILE_MARKERS) expect(texts.join('\n')).not.toContain(marker);
  });

  it('makes every Action.Execute carry verb, dispute, seq, and an Action.Submit fallback with the same data', () => {
    const executes = objectsOfType(card, 'Action.Execute').filter(
      (a) => a.verb !== UI_VERBS.refresh || a.title !== 'Refresh' || a.fallback,
    );
    for (const a of executes) {
      expect(isCardVerb(a.verb as string), `verb ${String(a.verb)}`).toBe(true);
      const data = a.data as Json;
      expect(data).toMatchObject({ verb: a.verb, seq: expect.any(Number) });
      expect(data).toHaveProperty('disputeId');
      expect(a.fallback).toMatchObject({ type: 'Action.Submit', title: a.title, data });
    }
  });

  it('labels every input, and gives required or pattern-checked inputs an error message', () => {
    for (const type of ['Input.Text', 'Input.ChoiceSet', 'Input.Date']) {
      for (const input of objectsOfType(card, type)) {
        expect(input.label, `${String(input.id)} label`).toEqual(expect.any(String));
        if (input.isRequired || input.regex)
          expect(input.errorMessage, `${String(input.id)} errorMessage`).toEqual(expect.any(String));
      }
    }
  });
});

describe.each(DISPUTE_TEMPLATES)('dispute card %s', (name) => {
  it('shows the stage deadline and the overall cap', () => {
    const texts = displayedText(render(name)).join('\n');
    expect(texts).toMatch(/Stage due by \w+day \d{1,2} \w+ \d{4}|No stage deadline/);
    expect(texts).toMatch(/20-working-day limit: (\w+day \d{1,2} \w+ \d{4}|not started yet)/);
  });
});

describe('a stage with no timescale', () => {
  const none = {
    ...FIXTURES['review-statement'].dispute.deadlines,
    stageStartedAt: null,
    stageDue: null,
    stageDueDate: null,
    overallStartedAt: null,
    overallDue: null,
  };
  it.each(['decision', 'review-statement'] as const)('the %s card says so once', (name) => {
    const fixture = FIXTURES[name];
    const card = renderCard(name, { ...fixture, dispute: { ...fixture.dispute, deadlines: none } } as never);
    const texts = displayedText(card).join('\n');
    expect(texts).toContain('No stage deadline · 20-working-day limit: not started yet');
    expect(texts).not.toContain('No fixed timescale');
  });

  it('a stage with a deadline keeps its RAG badge', () => {
    const texts = displayedText(render('review-statement')).join('\n');
    expect(texts).toMatch(/On track|Half the time used|Three quarters|Overdue/);
  });
});

describe('step cards', () => {
  it('the decision card shows "Stage due by … · 20-working-day limit: …" and the actions from CardView', () => {
    const card = renderCard('review-statement', FIXTURES['review-statement']);
    expect(displayedText(card)).toContain(
      'Stage due by Monday 7 December 2026 · 20-working-day limit: Monday 4 January 2027',
    );
    const verbs = objectsOfType(card, 'Action.Execute')
      .map((a) => a.verb)
      .filter((v) => v !== UI_VERBS.refresh);
    expect(verbs).toEqual([VERBS.escalate, VERBS.informal, VERBS.accept]);
  });

  it.each(['decision', 'review-statement', 'review-reply', 'meeting', 'outcome'] as const)(
    '%s is read-only for someone whose step it is not, and says whose it is',
    (name) => {
      const card = renderCard(name, { ...FIXTURES[name], viewer: WATCHING_VIEWER } as never);
      expect(objectsOfType(card, 'Action.Execute').filter((a) => a.verb !== UI_VERBS.refresh)).toEqual([]);
      expect(displayedText(card)).toContain('This step is for Alex Wilber.');
      expect(parseCard(card).validationEvents).toEqual([]);
    },
  );

  it('a stale card is read-only even for the actor', () => {
    const card = renderCard('decision', { ...FIXTURES.decision, stale: true });
    expect(card.actions ?? []).toEqual([]);
    expect(displayedText(card).join()).toMatch(/A newer card has replaced this one/);
  });

  it("the refresh block refreshes the acting person's card in place", () => {
    const card = render('decision');
    expect(card.refresh).toEqual({
      action: {
        type: 'Action.Execute',
        verb: 'refresh',
        title: 'Refresh',
        data: { verb: 'refresh', disputeId: 'd-0001', seq: 7, view: 'step' },
      },
      userIds: ['29:alex-teams-id'],
    });
    const none = renderCard('decision', {
      ...FIXTURES.decision,
      viewer: { personId: MEGAN.id, refreshUserIds: [] },
    });
    expect(none).not.toHaveProperty('refresh');
  });

  it('the meeting card lists attendees with responses, the join link and the other slots', () => {
    const card = render('meeting');
    const texts = displayedText(card).join('\n');
    expect(texts).toMatch(/Accepted/);
    expect(texts).toMatch(/Declined/);
    expect(texts).toMatch(/No response yet/);
    expect(objectsOfType(card, 'Action.OpenUrl')[0]?.url).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    const slots = objectsOfType(card, 'Input.ChoiceSet').find((i) => i.id === 'start');
    expect(((slots?.choices ?? []) as { title: string }[]).map((c) => c.title)).toEqual([
      '14:00–15:00, Tuesday 8 December 2026',
      '09:30–10:30, Wednesday 9 December 2026',
    ]);
  });

  it('the outcome card has three action rows with owner and date', () => {
    const card = render('outcome');
    const ids = objectsOfType(card, 'Input.Text').map((i) => i.id);
    expect(ids).toEqual(
      expect.arrayContaining(['action1Description', 'action1Owner', 'action3Description', 'action3Owner']),
    );
    expect(objectsOfType(card, 'Input.Date').map((i) => i.id)).toEqual([
      'action1Due',
      'action2Due',
      'action3Due',
    ]);
    expect(objectsOfType(card, 'Input.Date')[0]?.value).toBe('2026-12-11');
  });
});

describe('raise wizard', () => {
  const card = render('raise-dispute');
  const inputs = [
    ...objectsOfType(card, 'Input.Text'),
    ...objectsOfType(card, 'Input.ChoiceSet'),
    ...objectsOfType(card, 'Input.Toggle'),
  ];
  const input = (id: string) => inputs.find((i) => i.id === id) as Json;
  const solihull = getProcedure('solihull-ssab')!;
  const nel = getProcedure('nel-lscb-sab')!;
  const formFor = (procedure: typeof solihull, draft: Record<string, string> = {}) =>
    renderCard('raise-dispute', {
      ...FIXTURES['raise-dispute'],
      ...raiseDisputeModel({
        draftId: 'draft-1',
        seq: 1,
        procedure,
        procedures: [procedure],
        partners: [{ value: 'p', title: 'Partner' }],
        draft,
        viewer: FIXTURES['raise-dispute'].viewer,
      }),
    });

  it('checks the case reference with the shared pattern (real formats, spaces included), never cutting it', () => {
    expect(input('caseReference')).toMatchObject({ regex: CASE_REFERENCE_PATTERN, isRequired: true });
    expect(input('caseReference').maxLength).toBeUndefined();
    expect(input('caseReference').errorMessage).toMatch(/never a name/);
    expect(CASE_REFERENCE_PATTERN).toBe(CASE_REFERENCE.source);
    const re = new RegExp(CASE_REFERENCE_PATTERN);
    expect(
      ['GH-2026/0412', 'AB', 'x1.2/3', '943 476 5919', 'PID 123456', 'CF_0012345'].every((r) => re.test(r)),
    ).toBe(true);
    expect(['J', '-ab', 'a'.repeat(41), '<b>', 'Smith, Jayden'].some((r) => re.test(r))).toBe(false);
  });

  it('shows the chosen procedure as text, its partners, and its categories, quoted', () => {
    expect(input('procedureId')).toBeUndefined();
    expect(displayedText(card)).toContain(`Procedure: ${ANE.name}`);
    const titles = (input('category').choices as { title: string }[]).map((c) => c.title);
    expect(titles).toContain("Where there is 'drift and delay'");
    expect(input('counterpartOrganisationId').choices).toHaveLength(2);
  });

  it('marks every free-text field required, with a message, no maxLength, and its limit shown', () => {
    for (const id of ['issue', 'informalAttempts', 'resolutionSought']) {
      expect(input(id)).toMatchObject({ isRequired: true, isMultiline: true });
      expect(String(input(id).label).length).toBeGreaterThan(0);
      expect(String(input(id).errorMessage).length).toBeGreaterThan(0);
      expect(input(id).maxLength).toBeUndefined();
    }
    const texts = displayedText(card);
    expect(texts).toContain('Up to 4,000 characters.');
    expect(texts.some((t) => /^\d[\d,]* of 4,000 characters/.test(t))).toBe(true);
    expect(texts.join('\n')).toMatch(/Every field marked \* is needed/);
    expect(texts.join('\n')).not.toMatch(/All fields are needed/);
  });

  it("speaks of the adult in an adults' procedure (Solihull): no child, no care plan, no allocated social worker", () => {
    const text = displayedText(formFor(solihull)).join('\n');
    const labels = objectsOfType(formFor(solihull), 'Input.Text')
      .flatMap((i) => [i.label, i.placeholder, i.errorMessage])
      .join('\n');
    for (const said of [text, labels]) {
      expect(said).not.toMatch(/child|care plan|allocated social worker/i);
    }
    expect(labels).toMatch(/the adult/);
    // What Solihull asks for without a field of its own is named, in its words.
    expect(text).toContain('The concern about the judgement or action of another practitioner');
  });

  it('NEL asks who it is about, and its wording follows the answer', () => {
    const unanswered = formFor(nel);
    expect(objectsOfType(unanswered, 'Input.ChoiceSet').find((i) => i.id === 'about')).toMatchObject({
      isRequired: true,
    });
    expect(JSON.stringify(unanswered)).toMatch(/the child or adult/);
    const adult = JSON.stringify(formFor(nel, { about: 'adult' }));
    expect(adult).toMatch(/impact on the adult/);
    expect(adult).not.toMatch(/impact on the child/);
    expect(objectsOfType(formFor(ANE), 'Input.ChoiceSet').some((i) => i.id === 'about')).toBe(false);
  });

  it('offers "not a name" only for a reference that reads like one, its value the reference itself', () => {
    expect(input('caseReferenceConfirmed')).toBeUndefined();
    const named = formFor(ANE, { caseReference: 'Jayden.Smith' });
    const toggle = objectsOfType(named, 'Input.Toggle').find((i) => i.id === 'caseReferenceConfirmed');
    expect(toggle).toMatchObject({ valueOn: 'Jayden.Smith', valueOff: '' });
    expect(toggle?.title).toMatch(/case reference, not a name/);
  });

  it('pre-fills from the draft, keeping typed text as typed in input values', () => {
    expect(input('caseReference').value).toBe('GH-2026/0412');
    expect(input('issue').value).toBe(`Contact plan changed without review. ${HOSTILE}`);
  });

  it('shows server-side errors in red next to their fields', () => {
    const errors = objectsOfType(card, 'TextBlock')
      .filter((t) => t.color === 'attention')
      .map((t) => t.text);
    expect(errors).toContain('Choose a category from the ANE procedure.');
    expect(errors).toContain(escapeCardText(`Say what has been tried informally. ${HOSTILE}`));
  });

  it('shows urgency only when the procedure has urgency levels', () => {
    expect(inputs.some((i) => i.id === 'urgency')).toBe(false);
    const dudley = renderCard('raise-dispute', {
      ...FIXTURES['raise-dispute'],
      urgencyLevels: [{ value: 'immediately', title: 'Immediately' }],
    });
    expect(objectsOfType(dudley, 'Input.ChoiceSet').some((i) => i.id === 'urgency')).toBe(true);
  });

  it('Submit and Save draft send the inputs; Change procedure and Cancel do not', () => {
    const actions = objectsOfType(
      renderCard('raise-dispute', { ...FIXTURES['raise-dispute'], canDiscard: true }),
      'Action.Execute',
    );
    expect(actions.map((a) => [a.verb, a.associatedInputs])).toEqual([
      [UI_VERBS.submitRaise, 'auto'],
      [UI_VERBS.saveDraft, 'auto'],
      [UI_VERBS.changeProcedure, 'none'],
      [UI_VERBS.cancelRaise, 'none'],
    ]);
    expect(actions[0]?.data).toEqual({ verb: 'submit-raise', disputeId: 'draft-1', seq: 2 });
  });
});

describe('before you start (raising)', () => {
  const start = (procedureId: string) =>
    renderCard(
      'raise-start',
      raiseStartModel({
        draftId: 'draft-1',
        seq: 0,
        procedure: getProcedure(procedureId)!,
        procedures: [getProcedure(procedureId)!],
      }),
    );

  it("Solihull: conduct concerns in the procedure's own words, with the framework to use instead", () => {
    const card = start('solihull-ssab');
    const text = displayedText(card).join('\n');
    expect(text).toContain(getProcedure('solihull-ssab')!.outOfScope[0]!.quote);
    expect(text).toContain('Use instead: West Midlands Position of Trust Framework.');
    expect(objectsOfType(card, 'Action.Execute').map((a) => [a.title, a.associatedInputs])).toEqual([
      ['It is none of these: continue', 'auto'],
      ['Cancel', 'none'],
    ]);
    expect(objectsOfType(card, 'Input.ChoiceSet').some((i) => i.id === 'about')).toBe(false);
  });

  it('NEL: whistleblowing, and who the dispute is about (required)', () => {
    const card = start('nel-lscb-sab');
    expect(displayedText(card).join('\n')).toContain("Your agency's Whistleblowing Policy");
    const about = objectsOfType(card, 'Input.ChoiceSet').find((i) => i.id === 'about');
    expect(about).toMatchObject({ isRequired: true });
    expect(((about?.choices ?? []) as Json[]).map((c) => c.value)).toEqual(['child', 'adult']);
  });
});

describe('immediate risk', () => {
  it('shows the guidance and contacts before anything else, with the two answers and Cancel', () => {
    const card = render('immediate-risk');
    const texts = displayedText(card);
    expect(texts[0]).toBe('First: is anyone at immediate risk?');
    expect(texts.join('\n')).toMatch(/MASH/);
    expect(texts.join('\n')).toMatch(/999/);
    expect(objectsOfType(card, 'Action.Execute').map((a) => a.verb)).toEqual([
      UI_VERBS.immediateRiskYes,
      UI_VERBS.immediateRiskNo,
      UI_VERBS.cancelRaise,
    ]);
  });
});

describe('refresh', () => {
  it('a notice (no buttons) carries no refresh, so refreshing it later never turns it "out of date"', () => {
    const notice = renderCard('decision', { ...FIXTURES.decision, actions: [] });
    expect((notice as { refresh?: unknown }).refresh).toBeUndefined();
    const step = renderCard('decision', FIXTURES.decision);
    expect((step as { refresh?: unknown }).refresh).toBeDefined();
  });
});

describe('my disputes', () => {
  it('lists each dispute with RAG and an Open button', () => {
    const card = render('my-disputes');
    const texts = displayedText(card);
    expect(texts).toEqual(expect.arrayContaining(['On track', 'Three quarters of the time used', 'Overdue']));
    const opens = objectsOfType(card, 'Action.Execute').filter((a) => a.verb === UI_VERBS.openDispute);
    expect(opens.map((a) => (a.data as Json).disputeId)).toEqual(['d-0001', 'd-0002', 'd-0003']);
  });

  it('says so when there are none', () => {
    const card = renderCard('my-disputes', { ...FIXTURES['my-disputes'], disputes: [] });
    expect(displayedText(card).join()).toMatch(/You have no disputes/);
  });

  it('stays within the size Teams accepts for a person with 60 disputes: open ones first, the rest in the tab', () => {
    const [one] = FIXTURES['my-disputes'].disputes;
    if (!one) throw new Error('fixture');
    // Newest first, as the store lists them: every third one still open.
    const disputes = Array.from({ length: 60 }, (_, i) => ({
      ...one,
      disputeId: `d-${i}`,
      caseReference: `GH-2026/${1000 + i}`,
      status: i % 3 === 2 ? ('open' as const) : ('resolved' as const),
    }));
    const card = renderCard('my-disputes', { ...FIXTURES['my-disputes'], disputes });
    // Microsoft counts the message in UTF-16 and refuses it (413) past about 100 KB; 40 KB is the
    // strictest figure it has documented.
    expect(JSON.stringify(card).length * 2).toBeLessThan(40 * 1024);
    const opens = objectsOfType(card, 'Action.Execute').filter((a) => a.verb === UI_VERBS.openDispute);
    const shown = opens.map((a) => (a.data as Json).disputeId);
    expect(shown).toHaveLength(CARD_LIMITS.myDisputes);
    expect(shown.slice(0, 10)).toEqual(
      disputes
        .filter((d) => d.status === 'open')
        .slice(0, 10)
        .map((d) => d.disputeId),
    );
    const texts = displayedText(card).join('\n');
    expect(texts).toContain('60 disputes');
    expect(texts).toContain(
      'Showing 10 of 60: open ones first, then the newest. The Disputes tab lists them all.',
    );
  });

  it('lists ended disputes after the open ones, and says nothing of a tab when all fit', () => {
    const [one, two] = FIXTURES['my-disputes'].disputes;
    if (!one || !two) throw new Error('fixture');
    const card = renderCard('my-disputes', {
      ...FIXTURES['my-disputes'],
      disputes: [{ ...one, status: 'withdrawn' }, two],
    });
    const opens = objectsOfType(card, 'Action.Execute').filter((a) => a.verb === UI_VERBS.openDispute);
    expect(opens.map((a) => (a.data as Json).disputeId)).toEqual([two.disputeId, one.disputeId]);
    expect(displayedText(card).join()).not.toMatch(/Disputes tab/);
  });
});

describe('a dispute with a long record', () => {
  it('shows its latest entries, shortened, within the size Teams accepts, and says where the rest is', () => {
    const base = FIXTURES['dispute-detail'];
    const long = `The counterpart's reply, in full: ${'an agreed action with its owner and date; '.repeat(60)}`;
    const timeline = Array.from({ length: 120 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 10, 25, 9, i)).toISOString(),
      stageName: 'Stage 1',
      summary: `Entry ${i + 1}. ${long}`,
      outcome: i % 2 ? `Outcome ${i + 1}. ${long}` : null,
      between: ['Alex Wilber', 'Sam Counterpart'],
    }));
    const card = renderCard('dispute-detail', { ...base, timeline });
    expect(JSON.stringify(card).length * 2).toBeLessThan(60 * 1024);
    const texts = displayedText(card);
    const entries = texts.filter((t) => /^Entry \d+\./.test(t));
    expect(entries).toHaveLength(CARD_LIMITS.timeline);
    expect(entries[0]).toMatch(/^Entry 106\./);
    expect(entries.at(-1)).toMatch(/^Entry 120\./);
    for (const t of entries) expect(t.length).toBeLessThanOrEqual(CARD_LIMITS.entryChars + 10);
    expect(entries[0]).toMatch(/…$/);
    expect(texts).toContain(
      'The latest 15 of 120 entries are shown here. Long entries are shortened here. The Disputes tab shows the whole record.',
    );
  });

  it('shows a short record whole, with no note about the tab', () => {
    const texts = displayedText(render('dispute-detail')).join('\n');
    expect(texts).toContain('Dispute raised.');
    expect(texts).not.toMatch(/Disputes tab/);
  });
});

describe('rag', () => {
  const startedAt = '2026-12-01T00:00:00.000Z';
  const due = '2026-12-11T00:00:00.000Z';
  it.each([
    ['2026-12-02T00:00:00.000Z', 'green'],
    ['2026-12-05T23:59:59.000Z', 'green'],
    ['2026-12-06T00:00:00.000Z', 'amber'],
    ['2026-12-11T00:00:00.000Z', 'amber'],
    ['2026-12-11T00:00:00.001Z', 'red'],
  ])('at %s is %s', (now, expected) => {
    expect(rag({ startedAt, due, now })).toBe(expected);
  });
  it('is none without a deadline, and green or red without a start', () => {
    expect(rag({ startedAt, due: null, now: due })).toBe('none');
    expect(rag({ startedAt: null, due, now: '2026-12-10T00:00:00.000Z' })).toBe('green');
    expect(rag({ startedAt: null, due, now: '2026-12-12T00:00:00.000Z' })).toBe('red');
  });
  it('warns about the overall cap once half is used', () => {
    const d = presentDeadlines(
      {
        stageStartedAt: null,
        stageDue: null,
        stageDueDate: null,
        overallStartedAt: '2026-12-01T00:00:00.000Z',
        overallDue: '2026-12-29T23:59:59.999Z',
        overallWorkingDays: 20,
      },
      '2026-12-20T00:00:00.000Z',
    );
    expect(d.overallWarning).toBe('Half of the 20-working-day limit (Tuesday 29 December 2026) is used.');
  });
});

describe('escapeCardText', () => {
  it.each([
    ['<script>alert(1)</script>', '\\<script\\>alert\\(1\\)\\</script\\>'],
    ['[click](http://evil)', '\\[click\\]\\(http:/\u200B/evil\\)'],
    ['**bold** _it_', '\\*\\*bold\\*\\* \\_it\\_'],
    ['- item\n1. one', '\\- item\n1\\. one'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax in user text is the point
    ['${$root.x}', '$\\{$root.\u200Bx\\}'],
    ['GH-2026/0412', 'GH-2026/0412'],
    ['a@b.com', 'a\u200B@b.\u200Bcom'],
  ])('%j', (input, expected) => {
    expect(escapeCardText(input)).toBe(expected);
    expect(unescapeCardText(escapeCardText(input))).toBe(input);
  });
  it('removes control characters', () => {
    expect(escapeCardText('a\u0000b\u0007c\r\nd')).toBe('abc\nd');
  });
});

describe('verbs', () => {
  it('re-exports the domain verbs and adds the UI verbs without clashes', () => {
    expect(CARD_VERBS.escalate).toBe(VERBS.escalate);
    const all = Object.values(CARD_VERBS);
    expect(new Set(all).size).toBe(all.length);
    expect(parseVerb('ack-agreed')).toEqual({ kind: 'domain', verb: 'ack-agreed' });
    expect(parseVerb('open-dispute')).toEqual({ kind: 'ui', verb: 'open-dispute' });
    expect(parseVerb('refer:board-chair')).toEqual({ kind: 'refer', verb: 'refer', routeId: 'board-chair' });
    expect(parseVerb('drop table')).toEqual({ kind: 'unknown', verb: 'drop table' });
  });
});

describe('renderCard', () => {
  it('has one template per name and nothing else in adaptive-cards/', () => {
    expect(Object.keys(TEMPLATES).sort()).toEqual([...TEMPLATE_NAMES].sort());
  });

  it('refuses a view-model that leaves a template expression unbound', () => {
    const template = {
      type: 'AdaptiveCard',
      version: '1.5',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unbound card template expression
      body: [{ type: 'TextBlock', text: '${missing}' }],
    };
    expect(() => fillTemplate('help', template, {})).toThrow(CardRenderError);
    expect(() => fillTemplate('help', template, {})).toThrow(
      /unbound template expressions at \$\.body\[0\]\.text/,
    );
  });

  it('the validation harness does report problems', () => {
    const report = parseCard({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlok', text: 'x' },
        { type: 'Input.Text', id: 'a', isRequired: true },
      ],
    });
    expect(report.parseEvents.join()).toMatch(/UnknownElementType/);
    expect(report.validationEvents.join()).toMatch(/RequiredInputsShouldHaveLabel/);
  });
});
