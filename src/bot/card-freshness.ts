/**
 * Card freshness: whether a card is still for the dispute's current step, what an out-of-date card
 * turns into, the Universal Actions refresh of a step card, and the step card to show again while
 * the step lasts.
 *
 * A card carries the `seq` it was rendered at. It is current while the step it was rendered for
 * (`stepKey`) is still the dispute's step, even if system events have moved `seq` on since.
 */
import type { AdaptiveCardJson } from '../cards/index.ts';
import { slotKey } from '../domain/dispute/keys.ts';
import type { DisputeState } from '../domain/dispute/types.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import { type BotContext, isParty, NO_SUCH_DISPUTE } from './context.ts';
import { detailCard, errorCard } from './general-cards.ts';
import type { BotPerson } from './ports.ts';
import { statusCard, stepKey } from './step-cards.ts';

/** The slot a dispute's step cards share. */
export const stepSlot = (disputeId: string) => slotKey(disputeId, 'step', '');

/** Whether a card rendered at `seq` is still for the dispute's current step. */
export async function isCurrent(ctx: BotContext, state: DisputeState, seq: number): Promise<boolean> {
  if (!Number.isInteger(seq)) return false;
  if (seq === state.seq) return true;
  if (seq > state.seq) return false;
  return (await ctx.cards.stepAt(state.id, seq)) === stepKey(state);
}

/**
 * The seq a card's data carries: a number, or a number as text. Anything else (an object, which
 * `Number` could throw on, an array, a boolean) is NaN, so the card counts as out of date.
 */
export function seqOf(data: Readonly<Record<string, unknown>>): number {
  if (typeof data.seq === 'number') return data.seq;
  if (typeof data.seq === 'string' && /^\s*\d{1,15}\s*$/.test(data.seq)) return Number(data.seq);
  return Number.NaN;
}

/** What a card that is out of date turns into: read-only, saying where the dispute is. */
export function outOfDateCard(
  ctx: BotContext,
  person: BotPerson,
  state: DisputeState,
  procedure: ProcedureDefinition,
): AdaptiveCardJson {
  return readOnlyCard(ctx, person, state, procedure, 'This card is out of date', [
    'The dispute has moved on since this card was sent, so it can no longer be used.',
  ]);
}

/** A read-only status card in place of a step card that can no longer be used, saying why. */
function readOnlyCard(
  ctx: BotContext,
  person: BotPerson,
  state: DisputeState,
  procedure: ProcedureDefinition,
  title: string,
  text: readonly string[],
): AdaptiveCardJson {
  return statusCard({
    state,
    procedure,
    viewerId: person.id,
    now: ctx.now(),
    stale: true,
    title,
    text: [...text],
  });
}

/** The delivery attempt a card's data names (card-sender.ts adds it to the refresh), if any. */
export function sendIdOf(data: Readonly<Record<string, unknown>>): string | null {
  return typeof data.send === 'string' && data.send.length > 0 && data.send.length <= 64 ? data.send : null;
}

/**
 * Universal Actions refresh of a step card: the viewer's own view. While the step is still the one
 * the card was sent for and it is theirs, the actionable card; otherwise a read-only card that
 * says where the dispute is (and carries no refresh, so the client stops asking).
 *
 * A copy from a delivery attempt that was interrupted and sent again (its slot records that the
 * newer copy `supersedes` this `sendId`) turns read-only and points at the newer copy, so only one
 * live card remains.
 */
export async function refreshedStepCard(
  ctx: BotContext,
  person: BotPerson,
  disputeId: string,
  seq: number,
  sendId: string | null = null,
): Promise<AdaptiveCardJson> {
  const state = await ctx.disputes.get(disputeId);
  const procedure = state ? ctx.procedureFor(state.procedureId) : undefined;
  if (!state || !procedure) return errorCard(NO_SUCH_DISPUTE);
  if (!isParty(state, person.id)) return detailCard(ctx, person, disputeId);
  if (!(await isCurrent(ctx, state, seq))) return outOfDateCard(ctx, person, state, procedure);
  if (sendId && (await sentAgain(ctx, person, state, sendId)))
    return readOnlyCard(ctx, person, state, procedure, 'This card was sent again', [
      'Concord sent this card a second time, further down this chat. Use the newer copy.',
    ]);
  const pending = await pendingStepCard(ctx, person, disputeId);
  return (
    pending ??
    statusCard({ state, procedure, viewerId: person.id, now: ctx.now(), title: 'Where this dispute is' })
  );
}

/** The person's slots that may hold this dispute's live step card (see `pendingStepCard`). */
function liveSlotsOf(state: DisputeState, personId: string): string[] {
  return [
    ...(state.stage.awaiting?.id === personId ? [stepSlot(state.id)] : []),
    ...(state.stage.meeting?.convener.id === personId ? [slotKey(state.id, 'meeting', personId)] : []),
  ];
}

/**
 * Whether a copy carrying `sendId` was superseded by a resend of the same card: one of the
 * person's slots for this step records that it was sent again for this copy's interrupted attempt,
 * or that a newer card took its place before the interrupted attempt was retried.
 * A newer card of another effect in the slot (the meeting moved, say) does not count: the older
 * copy refreshes to the current step as any card does.
 */
async function sentAgain(
  ctx: BotContext,
  person: BotPerson,
  state: DisputeState,
  sendId: string,
): Promise<boolean> {
  for (const key of liveSlotsOf(state, person.id)) {
    const slot = await ctx.cards.getSlot(key);
    if (
      slot?.card &&
      slot.personId === person.id &&
      slot.stepKey === stepKey(state) &&
      (slot.supersedes === sendId || slot.supersededSends?.includes(sendId) === true) &&
      slot.sendId !== sendId
    )
      return true;
  }
  return false;
}

/**
 * The step card last delivered to `person` for this dispute, while that step is still theirs: the
 * dispute's step slot when they are awaited, or the convener's meeting slot while their meeting
 * stands (its card moves the meeting whoever the step names), so a refresh keeps its buttons.
 */
export async function pendingStepCard(
  ctx: BotContext,
  person: BotPerson,
  disputeId: string,
): Promise<AdaptiveCardJson | null> {
  const state = await ctx.disputes.get(disputeId);
  if (!state) return null;
  for (const key of liveSlotsOf(state, person.id)) {
    const slot = await ctx.cards.getSlot(key);
    if (slot?.card && slot.personId === person.id && slot.stepKey === stepKey(state))
      return slot.card as AdaptiveCardJson;
  }
  return null;
}

/**
 * After a step was acted on from its card: when the next card takes this step's slot, the card
 * just used turns into `done` (the record of what was done) rather than the card as delivered.
 */
export async function retireUsedCard(
  ctx: BotContext,
  before: DisputeState,
  done: AdaptiveCardJson,
): Promise<void> {
  const key = stepSlot(before.id);
  const slot = await ctx.cards.getSlot(key);
  if (slot && slot.stepKey === stepKey(before)) {
    await ctx.cards.setSlot(key, { ...slot, readOnlyCard: done, card: undefined, stepKey: undefined });
  }
}

/** Remembers that a card rendered now (at the dispute's `seq`) is for its current step. */
export function rememberCurrentStep(ctx: BotContext, state: DisputeState): Promise<void> {
  return ctx.cards.rememberStep(state.id, state.seq, stepKey(state));
}
