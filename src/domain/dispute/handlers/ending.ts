/** Ending the record: withdrawn, resolved (or authorised), closed, and who may close it. */
import type { EventOf } from '../decide-types.ts';
import { resolveDispute } from '../ending.ts';
import { isSamePerson, requireOpen } from '../guards.ts';
import { refuse } from '../refusal.ts';
import type { Transition } from '../transition.ts';
import type { PersonRef } from '../types.ts';
import { validateText } from '../validate.ts';
import { validateActions } from './outcome.ts';

export function onWithdrawn(t: Transition, event: EventOf<'withdrawn'>): void {
  requireOpen(t);
  const allowed = [t.state.raisedBy, t.state.owner];
  if (!allowed.some((p) => isSamePerson(p, event.by)))
    refuse('not-your-step', 'only-raiser-or-owner-withdraws');
  const reason = validateText(event.reason, 'reason', 2000, 'reason');
  t.cancelStageTimers();
  t.cancelOverallTimers();
  const meeting = t.state.stage.meeting;
  if (meeting?.eventId)
    t.emit({ type: 'cancel-meeting', convener: meeting.convener, eventId: meeting.eventId });
  // Everyone else taking part is told, each where they are: in another tenant by High Importance
  // email (on the stage's thread where it has one), in the host tenant by a Teams card that takes the
  // place of their step card, so whoever holds the record is not left with a step to take.
  const others = t.state.participants.filter((p) => !isSamePerson(p, event.by));
  const statement = t.state.stage.thread.find((m) => m.kind === 'statement' || m.kind === 'letter');
  const byEmail = others.filter((p) => !t.inTeams(p));
  if (byEmail.length > 0) {
    t.sendEmail({
      from: t.state.stage.actor ?? event.by,
      to: byEmail,
      importance: 'high',
      template: 'written-confirmation',
      kind: 'notice',
      ...(statement ? { inReplyTo: statement } : {}),
      message: { kind: 'withdrawn', reason, by: event.by.name },
    });
  }
  for (const person of others.filter((p) => t.inTeams(p)))
    t.sendCard(person, 'status', { kind: 'withdrawn', by: event.by.name, reason }, 'step');
  t.update({ status: 'withdrawn', endedAt: t.ctx.now });
  t.updateStage({ phase: 'ended', awaiting: null });
  t.record({
    contactType: 'system',
    between: [event.by.name],
    kind: 'withdrawn',
    params: {},
    outcome: reason,
  });
  return;
}

export function onResolved(t: Transition, event: EventOf<'resolved'>): void {
  requireOpen(t);
  const owner = t.state.owner;
  if (t.procedure.record.outcomesReturnTo && !isSamePerson(event.by, owner)) {
    refuse('not-allowed-to-close', 'only-owner-authorises', {
      role: t.roleLabel(t.procedure.record.outcomesReturnTo.role),
    });
  }
  if (!isSamePerson(event.by, owner) && !isSamePerson(event.by, t.state.stage.awaiting)) {
    refuse('not-your-step', 'only-step-or-owner-resolves');
  }
  // Authorising a response that was returned (IRO) keeps what the responder recorded.
  const returned = t.state.stage.phase === 'awaiting-owner' ? t.state.outcomes.at(-1) : undefined;
  const note = event.summary?.trim() ? validateText(event.summary, 'outcome', 4000, 'summary') : '';
  const summary = returned
    ? note && note !== returned.summary
      ? { kind: 'with-note' as const, summary: returned.summary, note }
      : returned.summary
    : validateText(event.summary, 'outcome', 4000, 'summary');
  const actions = event.actions?.length ? validateActions(event.actions) : (returned?.actions ?? []);
  resolveDispute(t, {
    resolved: true,
    summary,
    actions,
    ...(returned?.minutes ? { minutes: returned.minutes } : {}),
    recordedBy: event.by.name,
  });
  return;
}

export function onClosed(t: Transition, event: EventOf<'closed'>): void {
  if (t.state.status === 'closed') refuse('dispute-not-open', 'already-closed');
  if (t.state.status === 'open') refuse('wrong-phase', 'close-while-open');
  if (!closersOf(t).some((p) => isSamePerson(p, event.by))) {
    refuse('not-allowed-to-close', 'not-a-closer', {
      roles: t.procedure.record.closedBy.map((c) => t.roleLabel(c.role)),
    });
  }
  t.update({ status: 'closed' });
  t.record({
    contactType: 'system',
    between: [event.by.name],
    kind: 'record-closed',
    params: {},
    ...(event.note ? { outcome: event.note } : {}),
  });
  return;
}

/**
 * Who may close the record: its owner, and the holders of the procedure's `closedBy` roles found from
 * the raiser and the owner (their own line, not anyone in the directory with that title). Where
 * outcomes return to the owner (IRO), only the owner.
 */
function closersOf(t: Transition): PersonRef[] {
  const people: PersonRef[] = [t.state.owner];
  if (t.procedure.record.outcomesReturnTo) return people;
  const actor = t.state.stage.actor;
  for (const party of t.procedure.record.closedBy) {
    for (const relativeTo of [t.state.raisedBy, t.state.owner]) {
      const person = t.resolve(party, relativeTo);
      if (person && !people.some((p) => p.id === person.id)) people.push(person);
    }
    // The raising-side actor of the stage the dispute ended in, when they hold a closing role.
    if (actor && party.side === 'raising' && actor.organisationId === t.state.raisingOrganisationId) {
      if (t.resolve(party, actor)?.id === actor.id && !people.some((p) => p.id === actor.id))
        people.push(actor);
    }
  }
  return people;
}
