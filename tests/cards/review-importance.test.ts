/**
 * `email.importanceQuote`: the sender's review card says the email goes as High Importance and why,
 * in the procedure's words (ANE: "The email should be marked 'High Importance'").
 */
import { describe, expect, it } from 'vitest';
import { cardForEffect } from '../../src/bot/step-cards.ts';
import { unescapeCardText } from '../../src/cards/escape.ts';
import { cardViewOf } from '../../src/cards/wording/cards.ts';
import type { Effect } from '../../src/domain/dispute/types.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { raise } from '../domain/dispute/walker.ts';

type SendCard = Extract<Effect, { type: 'send-card' }>;

describe('the review card says why the email is High Importance', () => {
  it('ANE Stage 1: "High. The procedure says: “The email should be marked \'High Importance\'”"', () => {
    const ane = getProcedure('ane')!;
    const w = raise(ane);
    const decision = w.effects.find(
      (e): e is SendCard => e.type === 'send-card' && e.intent.kind === 'ask-decision',
    )!;
    const card = cardForEffect({
      state: w.s,
      procedure: ane,
      viewerId: decision.to.id,
      now: w.now.toISOString(),
      kind: decision.card,
      intent: decision.intent,
      view: cardViewOf(decision),
      recipientName: decision.to.name,
    });
    const factSet = (card.body as { type: string; facts?: { title: string; value: string }[] }[]).find(
      (b) => b.type === 'FactSet',
    );
    const importance = unescapeCardText(factSet?.facts?.find((f) => f.title === 'Importance')?.value ?? '');
    const quote = ane.stages.find((s) => s.id === w.s.stage.nextStageId)?.email?.importanceQuote;
    expect(quote).toBeTruthy();
    expect(importance).toBe(`High. The procedure says: “${quote}”`);
  });
});
