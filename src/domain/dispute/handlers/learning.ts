/**
 * What became of a learning item: after a dispute is resolved, the procedure's learning steps
 * (Solihull's referral of general issues, Dudley's gaps in policy, NEL's procedural change) go to
 * the people it names; someone then records what became of one (taken to the board, the policy or
 * procedure changed, or no action), with a note. The shell decides who may (the partnership's
 * oversight role); the domain checks that the item is one of the procedure's learning steps and
 * that the dispute was resolved. Each record is kept; the latest is what became of it.
 */
import { emailDetails } from '../channels.ts';
import type { EventOf } from '../decide-types.ts';
import { isSamePerson } from '../guards.ts';
import { refuse } from '../refusal.ts';
import type { Transition } from '../transition.ts';
import { LEARNING_OUTCOMES } from '../types.ts';
import { validateText } from '../validate.ts';

/** The procedures' after-resolution kinds that are learning for the partnership. */
export const LEARNING_ITEM_KINDS: readonly string[] = ['learning-referral', 'policy-gap'];

export function onLearningFollowedUp(t: Transition, event: EventOf<'learning-followed-up'>): void {
  if (t.state.status !== 'resolved' && !(t.state.status === 'closed' && t.state.outcomes.at(-1)?.resolved))
    refuse('wrong-phase', 'learning-not-raised');
  const item = t.procedure.afterResolution.find(
    (a) => a.id === event.itemId && LEARNING_ITEM_KINDS.includes(a.kind),
  );
  if (!item) refuse('invalid-input', 'learning-item-unknown');
  if (!(LEARNING_OUTCOMES as readonly string[]).includes(event.outcome))
    refuse('invalid-input', 'learning-outcome-unknown');
  const note = event.note?.trim() ? validateText(event.note, 'note', 2000, 'note') : null;
  t.update({
    learningFollowUps: [
      ...(t.state.learningFollowUps ?? []),
      { itemId: item.id, outcome: event.outcome, note, by: event.by.name, at: t.ctx.now },
    ],
  });
  t.record({
    contactType: 'system',
    between: [event.by.name],
    kind: 'learning-followed-up',
    params: { itemId: item.id, outcome: event.outcome, by: event.by.name },
    ...(note ? { outcome: note } : {}),
  });
}

/**
 * A step after the resolution that goes to someone in another tenant (Dudley: "If the process
 * highlights gaps in policies and procedures they must be brought to the attention of the Chair of
 * Dudley Safeguarding Children Board"): the host-side person holding its card writes what it is, and
 * it goes to them as a High Importance email with the case details, once, on the record.
 */
export function onAfterResolutionSent(t: Transition, event: EventOf<'after-resolution-sent'>): void {
  if (t.state.status !== 'resolved' && !(t.state.status === 'closed' && t.state.outcomes.at(-1)?.resolved))
    refuse('wrong-phase', 'learning-not-raised');
  const item = t.procedure.afterResolution.find((a) => a.id === event.itemId);
  const to = item?.to ? t.resolve(item.to, t.state.owner) : null;
  if (!item || !to || t.inTeams(to)) refuse('invalid-input', 'learning-item-unknown');
  const holder = t.recorderFor(to);
  if (![holder, t.state.owner, t.state.raisedBy].some((p) => isSamePerson(p, event.by)))
    refuse('not-your-step', 'step-for-actor', { actor: holder.name });
  if ((t.state.afterResolutionSent ?? []).includes(item.id)) refuse('duplicate', 'already-sent');
  const text = validateText(event.text, 'note', 4000, 'note');
  t.update({ afterResolutionSent: [...(t.state.afterResolutionSent ?? []), item.id] });
  t.addParticipants(to);
  t.sendEmail({
    from: event.by,
    to: [to],
    importance: 'high',
    template: 'inform',
    kind: 'notice',
    message: { kind: 'after-resolution', quote: item.quote, text, details: emailDetails(t, t.state.details) },
  });
  t.record({
    contactType: 'email',
    between: [event.by.name, to.name],
    kind: 'after-resolution-sent',
    params: { name: to.name, by: event.by.name, quote: item.quote },
    outcome: text,
  });
}
