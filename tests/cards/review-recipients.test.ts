/**
 * The Team Manager's review of the Stage 1 email names who will receive it: the counterpart the
 * directory finds, with their role, not "their counterpart".
 */
import { describe, expect, it } from 'vitest';
import { cardForEffect } from '../../src/bot/step-cards.ts';
import { unescapeCardText } from '../../src/cards/escape.ts';
import { cardViewOf } from '../../src/cards/wording/cards.ts';
import type { Effect } from '../../src/domain/dispute/types.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { raise } from '../domain/dispute/walker.ts';

type SendCard = Extract<Effect, { type: 'send-card' }>;

describe('the review card names the recipient', () => {
  it('the decision on Stage 1 carries the counterpart the directory found, and the card says "To: <name> (<role>)"', () => {
    const ane = getProcedure('ane');
    if (!ane) throw new Error('ane');
    const w = raise(ane);
    const decision = w.effects.find(
      (e): e is SendCard => e.type === 'send-card' && e.intent.kind === 'ask-decision',
    );
    expect(decision?.intent.kind === 'ask-decision' && decision.intent.recipients).toEqual([
      { name: 'team manager, partner', role: 'Team Manager' },
    ]);
    if (!decision) return;
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
    const to = factSet?.facts?.find((f) => f.title === 'To')?.value ?? '';
    expect(unescapeCardText(to)).toBe('team manager, partner (Team Manager)');
    expect(JSON.stringify(card)).not.toContain('their counterpart');
  });
});
