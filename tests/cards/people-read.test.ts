/**
 * What a person reads on a card carries no machine text: no ISO date or time, no raw id (dispute,
 * stage, category, route or role ids, card verbs) and no raw URL. Every template is rendered with
 * realistic data, and every card intent the domain can emit is worded and rendered as the step card
 * it becomes.
 */
import { describe, expect, it } from 'vitest';
import { unescapeCardText } from '../../src/cards/escape.ts';
import { decisionFromCardView, warningOf } from '../../src/cards/from-domain.ts';
import { renderCard } from '../../src/cards/render.ts';
import { UI_VERBS, VERBS } from '../../src/cards/verbs.ts';
import { TEMPLATE_NAMES, type TemplateName } from '../../src/cards/view-models.ts';
import { cardViewOf } from '../../src/cards/wording/cards.ts';
import type { CardFrame, CardIntent } from '../../src/domain/dispute/card-intents.ts';
import { loadProcedures } from '../../src/procedures/index.ts';
import { hasMachineDate } from '../../src/wording/dates.ts';
import { ALEX, acting, FIXTURES, HOSTILE, NOW } from './fixtures.ts';

/** The fixtures without their hostile text: what a real dispute's cards would carry. */
const REALISTIC = JSON.parse(
  JSON.stringify(FIXTURES).split(HOSTILE).join('').split('Alex ').join('Alex Wilber'),
) as typeof FIXTURES;

/** Ids that must never reach a person: every hyphenated id in the procedures, the fixtures' dispute ids, the card verbs. */
const RAW_IDS: readonly string[] = (() => {
  const ids = new Set<string>(['d-0001', 'd-0002', 'd-0003', 'draft-1']);
  for (const p of loadProcedures().values()) {
    for (const list of [p.categories, p.stages, p.exceptionalRoutes, p.roles, p.record.agendas])
      for (const x of list) if (x.id.includes('-')) ids.add(x.id);
  }
  for (const v of [...Object.values(VERBS), ...Object.values(UI_VERBS)]) if (v.includes('-')) ids.add(v);
  return [...ids];
})();

/** Every string a person reads: text, facts, button titles, input labels and choices. */
function readText(card: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'FactSet')
      for (const f of o.facts as { title: string; value: string }[]) out.push(f.title, f.value);
    if (typeof o.type === 'string' && o.type.startsWith('Action.') && typeof o.title === 'string')
      out.push(o.title);
    if (typeof o.type === 'string' && o.type.startsWith('Input.')) {
      for (const k of ['label', 'placeholder', 'errorMessage', 'title'])
        if (typeof o[k] === 'string') out.push(o[k] as string);
      if (Array.isArray(o.choices)) for (const c of o.choices as { title: string }[]) out.push(c.title);
    }
    for (const [k, x] of Object.entries(o)) if (k !== 'data' && k !== 'refresh' && k !== 'url') walk(x);
  };
  walk(card);
  return out.map(unescapeCardText);
}

function problems(texts: readonly string[]): string[] {
  const bad: string[] = [];
  for (const t of texts) {
    if (hasMachineDate(t)) bad.push(`machine date: ${t}`);
    if (/https?:\/\/|\bwww\./i.test(t)) bad.push(`raw URL: ${t}`);
    if (/\b[a-z]+[A-Z][a-zA-Z]*\b/.test(t)) bad.push(`camelCase value: ${t}`);
    for (const id of RAW_IDS)
      if (new RegExp(`(^|[^\\w-])${id}($|[^\\w-])`).test(t)) bad.push(`raw id ${id}: ${t}`);
  }
  return bad;
}

const frame: CardFrame = {
  disputeId: 'd-0001',
  caseReference: 'GH-2026/0412',
  procedureName: 'Adopt North East Professional Disagreement Procedure',
  stageName: 'Formal Resolution Process – Stage 1',
  due: '2026-12-07T23:59:59.999Z',
  dueDate: '2026-12-07',
  overallDue: '2027-01-04T23:59:59.999Z',
  overallWorkingDays: 20,
};

/** One of every intent kind, with realistic facts. */
const INTENTS: readonly CardIntent[] = [
  {
    kind: 'ask-decision',
    after: 'stage',
    nextStageId: 'stage-2',
    nextStageName: 'Formal Resolution Process – Stage 2',
    options: [{ verb: 'escalate', stageName: 'Stage 2' }, { verb: 'accept' }],
    reason: { kind: 'stage-no-response', stageName: 'Stage 1', dueDate: '2026-12-07' },
    quote: 'The Service Manager will decide whether to raise Stage 2.',
  },
  {
    kind: 'ask-final-referral',
    stageName: 'Stage 3b',
    reason: { kind: 'stage-reply-not-agreed', stageName: 'Stage 3b' },
    routes: [
      {
        id: 'dscb-independent-chair',
        name: 'Consideration by the DSCB Independent Chair',
        quote: 'Exceptionally…',
      },
    ],
    options: [
      {
        verb: 'refer',
        routeId: 'dscb-independent-chair',
        routeName: 'Consideration by the DSCB Independent Chair',
      },
      { verb: 'accept', ending: true },
    ],
  },
  {
    kind: 'ask-owner-decision',
    summary: 'The group manager gave guidance.',
    options: [{ verb: 'resolve' }, { verb: 'escalate', stageName: 'Stage 3', asEscalation: true }],
  },
  {
    kind: 'informal-contact',
    counterpart: { name: 'Team Manager, Gateshead', email: 'tm@gateshead.example' },
    quote: 'Raise it informally.',
  },
  {
    kind: 'record-outcome',
    after: 'step',
    name: 'Stage 1',
    quote: 'Discuss with your manager.',
    with: ['Team Manager, Gateshead'],
    mustNotRecord: [],
    mustInclude: ['Management advice'],
    canRequestMeeting: true,
  },
  {
    kind: 'review-reply',
    text: 'We will review contact by Friday.',
    from: 'Team Manager, Gateshead',
    acknowledgementQuote: null,
  },
  { kind: 'chased', on: '2026-12-08' },
  { kind: 'no-response', dueDate: '2026-12-07' },
  {
    kind: 'meeting',
    stageName: 'Stage 3',
    start: '2026-12-09T10:00:00.000Z',
    joinUrl: 'https://teams.microsoft.com/l/meetup-join/abc',
    onlineLinkMissing: false,
    attendees: [
      { name: 'Service Manager, Gateshead', response: 'accepted' },
      { name: 'Head of Service, Gateshead', response: 'notResponded' },
    ],
  },
  {
    kind: 'meeting',
    stageName: 'Stage 3',
    start: '2026-12-09T10:00:00.000Z',
    joinUrl: null,
    onlineLinkMissing: true,
    attendees: [{ name: 'Service Manager, Gateshead', response: 'none' }],
  },
  {
    kind: 'meeting-unbookable',
    reason: 'No time in working hours before Friday 11 December 2026 when everyone is free.',
  },
  { kind: 'meeting-rebooking', declinedBy: 'Service Manager, Gateshead' },
  { kind: 'stage-warning', stageName: 'Stage 1', percent: 75, dueDate: '2026-12-07' },
  { kind: 'reply-waiting', stageName: 'Stage 1' },
  { kind: 'stage-overdue', stageName: 'Stage 1', dueDate: '2026-12-07', with: 'Team Manager, Gateshead' },
  { kind: 'overall-timescale', percent: 100, workingDays: 20, quote: 'No more than 20 working days.' },
  {
    kind: 'action-due',
    description: 'Reinstate weekly contact',
    owner: 'Team Manager, Gateshead',
    dueDate: '2026-12-11',
  },
  {
    kind: 'feedback',
    update: { kind: 'stage-started', stageName: 'Stage 2', actor: 'Service Manager, Adopt North East' },
    quote: 'Feedback is given at each stage.',
  },
  { kind: 'decision-accepted', by: 'Team Manager, Adopt North East' },
  { kind: 'ended-unresolved', reason: { kind: 'ended-after-final-stage', by: 'Assistant Director' } },
  { kind: 'after-resolution', quote: 'A debrief is offered.' },
  { kind: 'resolved', summary: { kind: 'reply-agreed', stageName: 'Stage 1' } },
  { kind: 'action-parked', action: 'send-email', attempts: 8, reference: 'd-0001:12:0' },
  {
    kind: 'action-parked',
    action: 'send-card',
    attempts: 1,
    reference: 'd-0001:13:0',
    why: 'Concord could not reach Service Manager, Adopt North East in Teams: Concord is not installed for them, and your organisation’s Teams settings do not let Concord install it. Ask Service Manager, Adopt North East to add Concord in Teams (Apps, then search for Concord), or ask your Teams administrator to allow Concord for them. Then your administrator can send the card again (concord parked --retry).',
  },
  {
    kind: 'withdrawn',
    by: 'Independent Reviewing Officer, Northborough CSSU',
    reason: 'The plan was changed at the review.',
  },
  {
    kind: 'consulted',
    stageName: 'Stage 2',
    quote: 'the Safeguarding Adults Board Business Team should be consulted via ssab@solihull.gov.uk.',
    about: 'their opposite number in the other agency',
    actor: 'Line Manager, Solihull Adult Social Care',
  },
  {
    kind: 'stage-involves-you',
    stageName: 'Stage 1',
    quote: 'The team manager responds within 5 working days.',
    actor: 'Independent Reviewing Officer, Northborough',
    dueDate: '2026-12-07',
  },
  {
    kind: 'send-referral-securely',
    routeName: 'Referral to CAFCASS',
    means: 'in writing and sent securely via the Egress email system',
    to: { name: 'Service Manager, CAFCASS', email: 'service.manager@cafcass.example' },
    document: {
      procedureName: 'IRO Dispute Resolution Process',
      caseReference: 'NB-2026-0042',
      quote: 'The IRO may refer the case to CAFCASS.',
      condition: null,
      reason: 'The plan still does not meet the child’s needs.',
      category: 'The care plan',
      issue: 'Contact has stopped.',
      resolutionSought: 'Contact reinstated.',
      outcomes: [{ stageName: 'Stage 2', summary: 'Guidance given; not resolved.' }],
    },
  },
];

describe('cards carry no machine text', () => {
  it.each(TEMPLATE_NAMES.map((n) => [n]))('the %s template, with realistic data', (name: TemplateName) => {
    const card = renderCard(name, REALISTIC[name] as never);
    const texts = readText(card);
    expect(texts.length).toBeGreaterThan(0);
    expect(problems(texts)).toEqual([]);
  });

  it('covers every intent kind the domain emits', () => {
    const kinds = new Set(INTENTS.map((i) => i.kind));
    // Adding an intent kind without a case here fails the type check of CardIntent['kind'] below.
    const all: Record<CardIntent['kind'], true> = {
      'ask-decision': true,
      'stage-involves-you': true,
      consulted: true,
      'send-referral-securely': true,
      'ask-final-referral': true,
      'ask-owner-decision': true,
      'informal-contact': true,
      'record-outcome': true,
      'review-reply': true,
      chased: true,
      'no-response': true,
      meeting: true,
      'meeting-unbookable': true,
      'meeting-rebooking': true,
      'stage-warning': true,
      'reply-waiting': true,
      'stage-overdue': true,
      'overall-timescale': true,
      'action-due': true,
      feedback: true,
      'decision-accepted': true,
      'ended-unresolved': true,
      'after-resolution': true,
      resolved: true,
      'action-parked': true,
      withdrawn: true,
    };
    expect([...kinds].sort()).toEqual(Object.keys(all).sort());
  });

  it.each(INTENTS.map((i) => [i.kind, i]))('the %s card, worded and rendered', (_kind, intent) => {
    const view = cardViewOf({ intent, frame });
    const card = renderCard(
      'decision',
      decisionFromCardView(view, {
        seq: 7,
        stageStartedAt: '2026-11-30T09:00:00.000Z',
        overallStartedAt: '2026-11-30T09:00:00.000Z',
        now: NOW,
        viewer: acting,
        awaiting: ALEX,
        stale: false,
        status: 'open',
        warned: warningOf(intent),
      }),
    );
    expect(problems(readText(card))).toEqual([]);
  });

  it('a 75% warning card never says "On track"', () => {
    const intent: CardIntent = {
      kind: 'stage-warning',
      stageName: 'Stage 1',
      percent: 75,
      dueDate: '2026-12-07',
    };
    const card = renderCard(
      'decision',
      decisionFromCardView(cardViewOf({ intent, frame }), {
        seq: 7,
        stageStartedAt: '2026-11-30T09:00:00.000Z',
        overallStartedAt: '2026-11-30T09:00:00.000Z',
        now: '2026-12-02T23:59:59.999Z',
        viewer: acting,
        awaiting: ALEX,
        stale: false,
        warned: warningOf(intent),
      }),
    );
    const texts = readText(card);
    expect(texts).not.toContain('On track');
    expect(texts).toContain('Three quarters of the time used');
  });
});

describe('the checker', () => {
  it('catches what the issue saw on cards', () => {
    expect(
      problems([
        'Booked for 2026-12-09T10:00:00.000Z',
        'Due by 2026-12-08',
        'Join: https://teams.microsoft.com/l/meetup-join/abc',
        'Category: incomplete-documentation',
        'Done: referred (dscb-independent-chair)',
        'Head of Service, Gateshead: notResponded',
      ]),
    ).toHaveLength(6);
    expect(problems(['10:00–11:00, Wednesday 9 December 2026', 'Join the meeting'])).toEqual([]);
  });
});
