/**
 * A stage entered on someone's advice rather than the record owner's (IRO 1.0.4, seed 002: "the
 * Director will advise whether the dispute should be escalated to the Chief Executive"): after the
 * Director WCL's stage the Director is asked, not the IRO; advised against, the record returns to
 * the IRO, who alone authorises it. The journey through the app is
 * tests/integration/exceptional-routes-iro-cafcass.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { cardViewOf } from '../../../src/cards/wording/cards.ts';
import type { Effect } from '../../../src/domain/dispute/types.ts';
import { getProcedure } from '../../../src/procedures/index.ts';
import { person } from './fixtures.ts';
import { raise, step, walkTo } from './walker.ts';

const iro = getProcedure('iro-drp')!;
type Card = Extract<Effect, { type: 'send-card' }>;
const cardsIn = (effects: readonly Effect[]) => effects.filter((e): e is Card => e.type === 'send-card');

/** Stage 5 (the Director WCL) walked until its outcome after the meeting leaves it unresolved. */
function directorAsked() {
  const w = raise(iro, { hosts: ['la', 'partner'] });
  walkTo(w, 4);
  for (let i = 0; i < 10 && w.s.stage.phase !== 'awaiting-decision'; i++) step(w, false);
  return w;
}

describe('the Chief Executive stage is entered on the Director’s advice', () => {
  it('asks the Director, with the procedure’s words; the IRO may not escalate it themself', () => {
    const w = directorAsked();
    expect(w.s.stage).toMatchObject({ id: 'stage-5', phase: 'awaiting-decision', nextStageId: 'stage-6' });
    expect(w.s.stage.awaiting?.id).toBe('partner.director');
    const card = cardsIn(w.last).find((c) => c.to.id === 'partner.director');
    const view = cardViewOf(card!);
    expect(view.title).toBe('Advise whether to escalate to Chief Executive');
    expect(view.actions.map((a) => a.title)).toEqual(['Escalate to Chief Executive', 'Advise against']);
    expect(view.text.join(' ')).toContain('the Director will advise whether the dispute should be escalated');
    expect(w.effects.some((e) => e.type === 'record' && e.entry.kind === 'advice-asked')).toBe(true);
    expect(w.refused({ type: 'decision', by: person('la', 'iro'), choice: 'escalate' }).reason).toBe(
      'not-your-step',
    );
  });

  it('advised against: the record returns to the IRO with no Chief Executive on offer, and the Director cannot end it', () => {
    const w = directorAsked();
    w.send({
      type: 'decision',
      by: person('partner', 'director'),
      choice: 'accept',
      reason: 'No further escalation.',
    });
    expect(w.s.stage).toMatchObject({ phase: 'awaiting-owner', awaiting: { id: 'la.iro' } });
    expect(w.s.stage.nextStageId).toBeUndefined();
    const card = cardsIn(w.last).find((c) => c.to.id === 'la.iro');
    expect(cardViewOf(card!).actions.map((a) => a.title)).toEqual([
      'Authorise as resolved',
      'End without referral',
    ]);
    expect(w.refused({ type: 'decision', by: person('la', 'iro'), choice: 'escalate' }).reason).toBe(
      'option-not-available',
    );
    w.send({ type: 'decision', by: person('la', 'iro'), choice: 'accept' });
    expect(w.s.status).toBe('unresolved');
  });

  it('advised for: the Chief Executive reviews and sends their letter, and the stage starts', () => {
    const w = directorAsked();
    w.send({ type: 'decision', by: person('partner', 'director'), choice: 'escalate' });
    expect(w.s.stage.awaiting?.id).toBe('partner.chief-executive');
    w.send({ type: 'decision', by: person('partner', 'chief-executive'), choice: 'escalate' });
    expect(w.s.stage.id).toBe('stage-6');
  });
});
