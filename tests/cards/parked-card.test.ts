/**
 * Issue 10, "Done when": a parked effect's card speaks to a person (what happened, what to do), not
 * in ids. The shell builds it with `parkedIntent` and `parkedFrame` (src/runtime/outbox-worker.ts)
 * from the effect that could not be performed. Before, the card read "Concord tried to send an
 * email 3 times", named no one, and its frame showed the stage as "stage-1" and the procedure as
 * "dudley-dscb".
 */
import { describe, expect, it } from 'vitest';
import { cardViewOf } from '../../src/cards/wording/cards.ts';
import { parkedFrame, parkedIntent } from '../../src/domain/dispute/parked-notice.ts';
import type { Effect } from '../../src/domain/dispute/types.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { raise, walkTo } from '../domain/dispute/walker.ts';

function viewText(view: ReturnType<typeof cardViewOf>): string {
  return [view.title, ...view.text, ...view.facts.flatMap((f) => [f.label, f.value])].join('\n');
}

describe('the card for a parked effect', () => {
  const dudley = getProcedure('dudley-dscb')!;

  it('a Stage 1 email: names who it was for, says what to do, and frames it by the stage’s name', () => {
    const w = raise(dudley, { urgency: 'within-24-hours' });
    const email = w.effects.find(
      (e): e is Extract<Effect, { type: 'send-email' }> => e.type === 'send-email',
    );
    if (!email) throw new Error('no Stage 1 email');
    const recipient = email.to[0]!.name;
    const view = cardViewOf({
      intent: parkedIntent(email, email.type, 8, email.key),
      frame: parkedFrame(w.s, dudley),
    });
    expect(view.title).toBe(`Concord could not send the email to ${recipient}`);
    expect(view.text[0]).toBe(
      `Concord tried 8 times to send the email to ${recipient} and has stopped trying, so this step waits on it.`,
    );
    expect(view.text[1]).toContain(`What to do: if the deadline is near, reach ${recipient} another way`);
    expect(view.text[1]).toContain('giving them the case reference');
    expect(view.facts).toEqual(
      expect.arrayContaining([
        { label: 'Case reference', value: 'CASE-2026-007' },
        { label: 'Stage', value: dudley.stages[0]!.name },
        { label: 'Who it was for', value: recipient },
      ]),
    );
    expect(view.procedureName).toBe(dudley.name);
    const text = viewText(view);
    for (const id of [email.key, w.s.id, 'stage-1', 'dudley-dscb', 'send-email'])
      expect(text).not.toContain(id);
  });

  it('a meeting booking: says whose calendar it was for, and reaches the attendees by name', () => {
    const w = walkTo(raise(dudley, { urgency: 'longer-period' }), 2);
    const booking = [...w.effects]
      .reverse()
      .find((e): e is Extract<Effect, { type: 'book-meeting' }> => e.type === 'book-meeting');
    if (!booking) throw new Error('no Stage 3a booking');
    const view = cardViewOf({
      intent: parkedIntent(booking, booking.type, 1, booking.key),
      frame: parkedFrame(w.s, dudley),
    });
    expect(view.title).toBe(`Concord could not book the meeting on ${booking.convener.name}'s calendar`);
    expect(view.text[0]).toContain('Concord tried 1 time to book the meeting');
    for (const a of booking.attendees) expect(view.text[1]).toContain(a.person.name);
    expect(view.facts).toContainEqual({ label: 'Stage', value: dudley.stages[2]!.name });
  });

  it('an effect of an unknown shape still reads as words, with no one named', () => {
    const w = raise(dudley, { urgency: 'immediately' });
    const view = cardViewOf({
      intent: parkedIntent(undefined, 'set-timer', 3, 'k:1'),
      frame: parkedFrame(w.s, undefined),
    });
    expect(view.title).toBe('Concord could not complete an action');
    expect(view.text[1]).toContain('ask your Concord administrator');
    expect(view.facts.some((f) => f.label === 'Who it was for')).toBe(false);
  });
});
