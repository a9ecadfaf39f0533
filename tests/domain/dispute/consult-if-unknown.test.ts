/**
 * Issue 10, Solihull 2.3: "If an agency is unsure about another agency's management structure or who
 * an agency's safeguarding lead is the Safeguarding Adults Board Business Team should be consulted".
 * When the directory cannot find a stage's party in the other agency and the procedure names whom to
 * consult in that case, the step goes to the consultee, told what is asked in the procedure's words;
 * it never parks and is never a note only the raising side can see. And 2.6: the Independent Chair
 * route is "raised through the SSAB Business Team".
 */
import { describe, expect, it } from 'vitest';
import { cardViewOf } from '../../../src/cards/wording/cards.ts';
import type { Effect } from '../../../src/domain/dispute/types.ts';
import { emailViewOf } from '../../../src/email/wording.ts';
import { getProcedure } from '../../../src/procedures/index.ts';
import { fixtureResolver, person, RAISE_DETAILS, raiseConfirmations, Walk } from './fixtures.ts';
import { step, walkTo } from './walker.ts';

const solihull = getProcedure('solihull-ssab')!;
const CONSULT =
  "If an agency is unsure about another agency's management structure or who an agency's safeguarding lead is the Safeguarding Adults Board Business Team should be consulted via ssab@solihull.gov.uk.";

type Email = Extract<Effect, { type: 'send-email' }>;
type Card = Extract<Effect, { type: 'send-card' }>;
const emailsIn = (effects: readonly Effect[]) => effects.filter((e): e is Email => e.type === 'send-email');
const cardsIn = (effects: readonly Effect[]) => effects.filter((e): e is Card => e.type === 'send-card');

/** A partner agency whose structure the directory does not know: only its practitioner. */
function raiseWithUnknownPartner(hosts: readonly string[]): Walk {
  const roles = solihull.roles.map((r) => r.id);
  const resolver = fixtureResolver(
    {
      la: roles,
      partner: ['practitioner'],
      board: ['board-business-team', 'sub-committee-chair', 'board-independent-chair'],
    },
    hosts,
  );
  return new Walk(solihull, resolver, '2026-11-23T10:00:00Z').send({
    type: 'raised',
    disputeId: 'w1',
    by: person('la', 'practitioner'),
    immediateRiskChecked: true,
    caseReference: 'CASE-2026-007',
    raisingOrganisationId: 'la',
    counterpartOrganisationId: 'partner',
    category: solihull.categories[0]!.id,
    ...raiseConfirmations(solihull),
    details: RAISE_DETAILS,
  });
}

describe('when the other agency’s structure is unknown, the procedure’s consultee is consulted', () => {
  it('Solihull Stage 2 names the SSAB Business Team for an opposite number the directory cannot find', () => {
    const stage2 = solihull.stages.find((s) => s.id === 'stage-2')!;
    const counterpart = stage2.with.find((p) => p.side === 'counterpart')!;
    expect(counterpart.ifUnknown?.consult.role).toBe('board-business-team');
    expect(counterpart.ifUnknown?.quote).toContain(CONSULT);
  });

  it('Stage 2 with no opposite number found: the Business Team (host tenant) gets a Teams card saying what is asked, and the line manager’s card says so', () => {
    const w = raiseWithUnknownPartner(['la', 'board']);
    walkTo(w, 1);
    expect(w.s.stage).toMatchObject({
      id: 'stage-2',
      phase: 'awaiting-outcome',
      awaiting: { id: 'la.team-manager' },
    });
    const stage2 = w.effects.slice(
      w.effects.findIndex(
        (e) => e.type === 'record' && e.entry.kind === 'stage-started' && e.entry.stageId === 'stage-2',
      ),
    );
    const consulted = cardsIn(stage2).find((c) => c.intent.kind === 'consulted');
    expect(consulted?.to.id).toBe('board.board-business-team');
    const words = cardViewOf(consulted!);
    expect(words.title).toContain('Stage 2');
    expect(words.text.join(' ')).toContain(CONSULT);
    expect(words.text.join(' ')).toContain('their opposite number in the other agency');
    expect(words.text.join(' ')).toContain('team manager, la');
    expect(w.s.participants.map((p) => p.id)).toContain('board.board-business-team');
    const outcome = cardsIn(stage2).find((c) => c.card === 'outcome');
    expect(cardViewOf(outcome!).text.join(' ')).toMatch(/consulted board business team, board/i);
    const record = stage2.find((e) => e.type === 'record' && e.entry.kind === 'consulted');
    expect(record).toBeDefined();
  });

  it('Stage 3, with neither the other agency’s Director nor its Safeguarding Lead known: one card names both', () => {
    const w = raiseWithUnknownPartner(['la', 'board']);
    walkTo(w, 2);
    const start = w.effects.findIndex(
      (e) => e.type === 'record' && e.entry.kind === 'stage-started' && e.entry.stageId === 'stage-3',
    );
    const cards = cardsIn(w.effects.slice(start)).filter((c) => c.intent.kind === 'consulted');
    expect(cards).toHaveLength(1);
    expect(cardViewOf(cards[0]!).text.join(' ')).toContain(
      "their counterparts in the other organisation and the organisations' Safeguarding Leads",
    );
    expect(w.s.stage.phase).toBe('awaiting-outcome');
  });

  it('a consultee in another tenant is emailed, High Importance, with the case, the stage and the procedure’s words', () => {
    const w = raiseWithUnknownPartner(['la']);
    walkTo(w, 1);
    const email = emailsIn(w.effects).find((e) => e.message.kind === 'consultation');
    expect(email).toBeDefined();
    expect(email!.to.map((p) => p.id)).toEqual(['board.board-business-team']);
    expect(email!.importance).toBe('high');
    const view = emailViewOf(email!);
    expect(view.caseReference).toBe('CASE-2026-007');
    expect(view.paragraphs.join(' ')).toContain(CONSULT);
    expect(view.paragraphs.join(' ')).toContain('their opposite number in the other agency');
  });

  it('the Business Team in the host tenant answers from its card: the answer is on the record and on the line manager’s outcome card; nobody else may answer', () => {
    const w = raiseWithUnknownPartner(['la', 'board']);
    walkTo(w, 1);
    const consulted = cardsIn(w.effects).find((c) => c.intent.kind === 'consulted');
    const words = cardViewOf(consulted!);
    expect(words.actions.map((a) => a.verb)).toEqual(['answer-consultation']);
    expect(words.input?.label).toContain('their opposite number in the other agency');
    expect(
      w.refused({ type: 'consultation-answered', by: person('la', 'practitioner'), text: 'x' }).reason,
    ).toBe('not-your-step');
    const answer =
      'Their opposite number is the Safeguarding Adult Lead, Partner Care Ltd, on 0121 000 0000.';
    w.send({ type: 'consultation-answered', by: person('board', 'board-business-team'), text: answer });
    expect(w.last.find((e) => e.type === 'record')).toMatchObject({
      entry: { kind: 'consultation-answered', outcome: answer, contactType: 'card' },
    });
    const outcome = cardsIn(w.last).find((c) => c.card === 'outcome');
    expect(outcome?.to.id).toBe('la.team-manager');
    expect(cardViewOf(outcome!).text.join(' ')).toContain(answer);
    expect(w.s.stage).toMatchObject({
      id: 'stage-2',
      phase: 'awaiting-outcome',
      awaiting: { id: 'la.team-manager' },
    });
  });

  it('the Business Team in another tenant replies to the consultation email: the reply comes back as an event onto the record and the outcome card', () => {
    const w = raiseWithUnknownPartner(['la']);
    walkTo(w, 1);
    const email = emailsIn(w.effects).find((e) => e.message.kind === 'consultation')!;
    expect(email.kind).toBe('consultation');
    if (!w.s.stage.thread.some((m) => m.kind === 'consultation'))
      w.send({
        type: 'message-sent',
        effectKey: email.key,
        kind: 'consultation',
        internetMessageId: '<consult-1@mail.example>',
        conversationId: 'conv-consult',
      });
    const asked = w.s.stage.thread.find((m) => m.kind === 'consultation')!;
    const answer = 'The Safeguarding Adult Lead at Partner Care Ltd is the person to speak to.';
    w.send({
      type: 'reply-received',
      internetMessageId: '<answer-2@board.example>',
      inReplyTo: [asked.internetMessageId],
      fromEmail: 'board-business-team@board.example',
      text: answer,
    });
    expect(w.last.find((e) => e.type === 'record')).toMatchObject({
      entry: { kind: 'consultation-answered', outcome: answer, contactType: 'email' },
    });
    const outcome = cardsIn(w.last).find((c) => c.card === 'outcome');
    expect(cardViewOf(outcome!).text.join(' ')).toContain(answer);
    // The same message seen again (two watched inboxes) is not a second answer.
    expect(
      w.refused({
        type: 'reply-received',
        internetMessageId: '<answer-2@board.example>',
        inReplyTo: [asked.internetMessageId],
        fromEmail: 'board-business-team@board.example',
        text: answer,
      }).reason,
    ).toBe('duplicate');
  });

  it('a stage whose party is found consults no one', () => {
    const roles = solihull.roles.map((r) => r.id);
    const resolver = fixtureResolver({ la: roles, partner: roles, board: roles }, ['la', 'board']);
    const w = new Walk(solihull, resolver, '2026-11-23T10:00:00Z').send({
      type: 'raised',
      disputeId: 'w2',
      by: person('la', 'practitioner'),
      immediateRiskChecked: true,
      caseReference: 'CASE-2026-008',
      raisingOrganisationId: 'la',
      counterpartOrganisationId: 'partner',
      category: solihull.categories[0]!.id,
      ...raiseConfirmations(solihull),
      details: RAISE_DETAILS,
    });
    walkTo(w, 1);
    expect(cardsIn(w.effects).some((c) => c.intent.kind === 'consulted')).toBe(false);
    expect(emailsIn(w.effects).some((e) => e.message.kind === 'consultation')).toBe(false);
  });
});

describe('Solihull: the Independent Chair is raised through the SSAB Business Team', () => {
  it('the referral goes to the Business Team, naming the Independent Chair, who is copied', () => {
    const roles = solihull.roles.map((r) => r.id);
    const resolver = fixtureResolver({ la: roles, partner: roles, board: roles }, ['la', 'board']);
    const w = new Walk(solihull, resolver, '2026-11-23T10:00:00Z').send({
      type: 'raised',
      disputeId: 'w3',
      by: person('la', 'practitioner'),
      immediateRiskChecked: true,
      caseReference: 'CASE-2026-009',
      raisingOrganisationId: 'la',
      counterpartOrganisationId: 'partner',
      category: solihull.categories[0]!.id,
      ...raiseConfirmations(solihull),
      details: RAISE_DETAILS,
    });
    walkTo(w, 2);
    for (let i = 0; i < 10 && w.s.stage.phase !== 'awaiting-decision'; i++) step(w, false);
    const route = solihull.exceptionalRoutes.find((r) => r.id === 'independent-chair-conflict-of-interest')!;
    expect(route.through?.role).toBe('board-business-team');
    w.send({
      type: 'exceptional-referral',
      by: w.s.stage.awaiting!,
      routeId: route.id,
      reason: 'The sub-committee chair works for one of the agencies.',
    });
    const [email] = emailsIn(w.last).filter((e) => e.message.kind === 'referral');
    expect(email!.to.map((p) => p.id)).toEqual(['board.board-business-team']);
    expect(email!.cc.map((p) => p.id)).toEqual(['board.board-independent-chair']);
    const view = emailViewOf(email!);
    expect(view.paragraphs.join(' ')).toContain(
      'raised through the SSAB Business Team to the SSAB Independent Chair',
    );
    expect(view.paragraphs.join(' ')).toMatch(/please raise it with board independent chair, board/i);
    expect(w.s.participants.map((p) => p.id)).toEqual(
      expect.arrayContaining(['board.board-business-team', 'board.board-independent-chair']),
    );
  });
});
