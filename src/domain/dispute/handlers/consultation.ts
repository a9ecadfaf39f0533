/**
 * The answer of a stage's consultee (Solihull 2.3: the SSAB Business Team, consulted when the other
 * agency's structure is unknown): by email on the consultation's thread when they are in another
 * tenant, or from their Teams card in the host tenant. Either way it goes on the stage's thread and
 * the record, and onto the card of whoever records the stage's outcome, whose step it stays.
 */
import { askForOutcome, otherParties } from '../channels.ts';
import type { EventOf } from '../decide-types.ts';
import { requireOpen, requirePhase } from '../guards.ts';
import { refuse } from '../refusal.ts';
import type { Transition } from '../transition.ts';
import type { PersonRef } from '../types.ts';
import { validateText } from '../validate.ts';

/** The consultee a reply comes from, when it answers this stage's consultation email; else null. */
export function consulteeReplying(t: Transition, event: EventOf<'reply-received'>): PersonRef | null {
  const asked = t.state.stage.thread
    .filter((m) => m.kind === 'consultation')
    .map((m) => m.internetMessageId.toLowerCase());
  if (asked.length === 0 || !event.inReplyTo?.some((r) => asked.includes(r.toLowerCase()))) return null;
  const from = event.fromEmail.toLowerCase();
  return (t.state.stage.consultees ?? []).find((p) => p.email.toLowerCase() === from) ?? null;
}

export function onConsultationEmailed(
  t: Transition,
  event: EventOf<'reply-received'>,
  consultee: PersonRef,
): void {
  const id = event.internetMessageId.toLowerCase();
  if (t.state.stage.thread.some((m) => m.internetMessageId.toLowerCase() === id))
    refuse('duplicate', 'duplicate-reply');
  answer(t, consultee, event.text.trim().slice(0, 20_000), {
    internetMessageId: event.internetMessageId,
    ...(event.conversationId ? { conversationId: event.conversationId } : {}),
    contactType: 'email',
  });
}

export function onConsultationAnswered(t: Transition, event: EventOf<'consultation-answered'>): void {
  requireOpen(t);
  requirePhase(t, 'awaiting-outcome');
  const consultee = (t.state.stage.consultees ?? []).find((p) => p.id === event.by.id);
  if (!consultee) refuse('not-your-step', 'not-consulted', { stage: t.stage.name });
  const text = validateText(event.text, 'note', 4000, 'note');
  answer(t, consultee, text, {
    internetMessageId: `card:${t.state.id}:${t.state.seq}`,
    contactType: 'card',
  });
}

function answer(
  t: Transition,
  consultee: PersonRef,
  text: string,
  via: { internetMessageId: string; conversationId?: string; contactType: 'email' | 'card' },
): void {
  const actor = t.state.stage.actor;
  if (!actor) refuse('wrong-phase', 'no-one-awaiting-reply');
  t.updateStage({
    thread: [
      ...t.state.stage.thread,
      {
        kind: 'consultation-reply',
        internetMessageId: via.internetMessageId,
        ...(via.conversationId ? { conversationId: via.conversationId } : {}),
        at: t.ctx.now,
        text,
        from: consultee.name,
        fromName: t.senderLabel(consultee.email),
      },
    ],
  });
  t.record({
    contactType: via.contactType,
    between: [consultee.name, actor.name],
    kind: 'consultation-answered',
    params: { name: consultee.name, stageName: t.stage.name },
    outcome: text,
  });
  const others = otherParties(t, t.stage, actor);
  askForOutcome(
    t,
    actor,
    others,
    others.filter((p) => !t.inTeams(p)),
  );
}
