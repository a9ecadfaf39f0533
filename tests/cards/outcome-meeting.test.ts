/**
 * The outcome card offers "Book a meeting" where the stage lets its actor convene one (NEL Stage 2:
 * "may convene a meeting"; IRO Stage 1, which "may be managed via face to face discussions or
 * telephone calls"; IRO Stage 6: "the Chief Executive may wish to meet with the parties"),
 * as a button of the card Teams shows, and not where the stage has no meeting. Before, the card's
 * words carried the button but the outcome template dropped it, so the meeting could not be asked
 * for from Teams.
 */
import { describe, expect, it } from 'vitest';
import { cardForEffect } from '../../src/bot/step-cards.ts';
import { cardViewOf } from '../../src/cards/wording/cards.ts';
import type { Effect } from '../../src/domain/dispute/types.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { actionsOf } from '../bot/harness.ts';
import type { Walk } from '../domain/dispute/fixtures.ts';
import { raise, walkTo } from '../domain/dispute/walker.ts';

type SendCard = Extract<Effect, { type: 'send-card' }>;

function outcomeCardTitles(w: Walk): string[] {
  const ask = [...w.effects]
    .reverse()
    .find((e): e is SendCard => e.type === 'send-card' && e.intent.kind === 'record-outcome');
  if (!ask) throw new Error(`no outcome card at ${w.s.stage.id}`);
  const card = cardForEffect({
    state: w.s,
    procedure: w.procedure,
    viewerId: ask.to.id,
    now: w.now.toISOString(),
    kind: ask.card,
    intent: ask.intent,
    view: cardViewOf(ask),
    recipientName: ask.to.name,
  });
  return actionsOf(card).map((a) => a.title);
}

describe('the outcome card’s "Book a meeting"', () => {
  it('IRO Stage 6: the Chief Executive may meet the parties, so the card offers it beside the outcome', () => {
    const iro = getProcedure('iro-drp')!;
    expect(iro.stages.find((s) => s.id === 'stage-6')?.meeting?.when).toBe('if-needed');
    const w = walkTo(raise(iro, { hosts: ['la', 'partner'] }), 5);
    expect(w.s.stage).toMatchObject({ id: 'stage-6', phase: 'awaiting-outcome' });
    expect(outcomeCardTitles(w)).toEqual(['Record the outcome', 'Book a meeting']);
  });

  it('NEL Stage 2: the managers "may convene a meeting"', () => {
    const nel = getProcedure('nel-lscb-sab')!;
    const w = walkTo(
      raise(nel),
      nel.stages.findIndex((s) => s.id === 'stage-2'),
    );
    expect(w.s.stage.phase).toBe('awaiting-outcome');
    expect(outcomeCardTitles(w)).toEqual(['Record the outcome', 'Book a meeting']);
  });

  it('IRO Stage 1, "not sufficient … by means of email alone": the IRO may book a call or meeting with the social worker and team manager', () => {
    const iro = getProcedure('iro-drp')!;
    const w = raise(iro, { hosts: ['la', 'partner'] });
    expect(w.s.stage).toMatchObject({ id: 'stage-1', phase: 'awaiting-outcome' });
    expect(outcomeCardTitles(w)).toEqual(['Record the outcome', 'Book a meeting']);
    expect(iro.stages[0]!.meeting?.form).toMatchObject({ online: true, inPerson: true });
  });

  it('Dudley Stage 1, a discussion whose procedure names no meeting: only the outcome', () => {
    const dudley = getProcedure('dudley-dscb')!;
    const w = raise(dudley, { urgency: 'longer-period' });
    expect(w.s.stage).toMatchObject({ id: 'stage-1', phase: 'awaiting-outcome' });
    expect(outcomeCardTitles(w)).toEqual(['Record the outcome']);
  });
});
