/**
 * Agreed actions after an outcome: a party to the dispute marks one of the agreed SMART actions done,
 * with the London day it was done. Allowed whether the dispute is open or has ended (actions are
 * carried out after the outcome). Its reminder is cancelled, and the case record says so.
 */
import { londonDay } from '../../calendar/index.ts';
import type { EventOf } from '../decide-types.ts';
import { isSamePerson } from '../guards.ts';
import { refuse } from '../refusal.ts';
import type { Transition } from '../transition.ts';
import type { DisputeState, PersonRef } from '../types.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether a person takes part in the dispute: raised it, owns it, is awaited, or has taken part. */
export function isPartyTo(state: DisputeState, person: PersonRef | undefined): boolean {
  return [state.raisedBy, state.owner, state.stage.awaiting, ...state.participants].some((p) =>
    isSamePerson(p, person),
  );
}

export function onActionDone(t: Transition, event: EventOf<'action-done'>): void {
  if (!isPartyTo(t.state, event.by)) refuse('not-your-step', 'not-a-party');
  const outcome = Number.isInteger(event.outcomeIndex) ? t.state.outcomes[event.outcomeIndex] : undefined;
  const action =
    outcome && Number.isInteger(event.actionIndex) ? outcome.actions[event.actionIndex] : undefined;
  if (!outcome || !action) refuse('invalid-input', 'action-unknown');
  if (action.done) refuse('duplicate', 'action-already-done', { date: action.done.on });
  const today = londonDay(new Date(t.ctx.now));
  const agreed = londonDay(new Date(outcome.at));
  if (typeof event.doneOn !== 'string' || !DAY.test(event.doneOn) || Number.isNaN(Date.parse(event.doneOn)))
    refuse('invalid-input', 'action-done-date-invalid', { from: agreed, to: today });
  if (event.doneOn > today || event.doneOn < agreed)
    refuse('invalid-input', 'action-done-date-invalid', { from: agreed, to: today });
  const done = { on: event.doneOn, by: event.by.name, at: t.ctx.now };
  t.update({
    outcomes: t.state.outcomes.map((o, i) =>
      i === event.outcomeIndex
        ? { ...o, actions: o.actions.map((a, j) => (j === event.actionIndex ? { ...a, done } : a)) }
        : o,
    ),
  });
  // The reminders follow the latest outcome with actions (ending.ts trackActions).
  const latest = t.state.outcomes.findLastIndex((o) => o.actions.length > 0);
  if (latest === event.outcomeIndex) t.cancelTimer('action-due', 'actions', String(event.actionIndex));
  t.record({
    stageId: outcome.stageId,
    stageName: t.procedure.stages.find((s) => s.id === outcome.stageId)?.name ?? outcome.stageId,
    contactType: 'system',
    between: [event.by.name],
    kind: 'action-done',
    params: { description: action.description, owner: action.owner, doneOn: event.doneOn, by: event.by.name },
  });
}
