/**
 * `decide(state, event, ctx) → { state, effects }`: the escalation state machine. Pure: no I/O, no
 * clock, no environment. Each event type has one handler in `HANDLERS` (grouped by concern under
 * `handlers/`). An event that is not valid now returns `{ ok: false, refusal }`, a refusal as data
 * (`refusal.ts`) that the bot words and highlights; decide never throws one.
 *
 * @example
 * const r = decide(null, { type: 'raised', ... }, { procedure, calendar, now, resolver });
 * if (r.ok) store(r.state, r.effects); else reply(refusalText(r.refusal));
 */

import { onNoteRecorded } from './anytime-notes.ts';
import type { Decide, DecideContext, EventOf } from './decide-types.ts';
import { onActionDone } from './handlers/actions.ts';
import { onConsultationAnswered } from './handlers/consultation.ts';
import { onBypass, onDecision, onInformalOutcome } from './handlers/decision.ts';
import { onAcknowledged, onChase, onMessageSent, onReplyReceived } from './handlers/email.ts';
import { onClosed, onResolved, onWithdrawn } from './handlers/ending.ts';
import { onAfterResolutionSent, onLearningFollowedUp } from './handlers/learning.ts';
import {
  onMeetingBooked,
  onMeetingHeld,
  onMeetingMove,
  onMeetingRequested,
  onMeetingResponse,
  onMeetingUnbookable,
} from './handlers/meeting.ts';
import { onOutcome, onReferral, onReferralSent } from './handlers/outcome.ts';
import { raise } from './handlers/raise.ts';
import { onTimer } from './handlers/timers.ts';
import { RefusalSignal, refuse } from './refusal.ts';
import { Transition } from './transition.ts';
import type { DisputeEventType, DisputeState } from './types.ts';

export { VERBS } from './verbs.ts';

/** One event type's rule: from the state before (null only for `raised`) to the transition it makes. */
export type Handler<K extends DisputeEventType> = (
  state: DisputeState | null,
  event: EventOf<K>,
  ctx: DecideContext,
) => Transition;

/** A handler for an event on a dispute that exists, under the procedure version it started with. */
function onDispute<K extends DisputeEventType>(
  apply: (t: Transition, event: EventOf<K>) => void,
): Handler<K> {
  return (state, event, ctx) => {
    if (!state) refuse('not-raised', 'not-raised');
    if (state.procedureVersion !== ctx.procedure.version || state.procedureId !== ctx.procedure.id) {
      refuse('invalid-input', 'procedure-mismatch', {
        procedureId: state.procedureId,
        procedureVersion: state.procedureVersion,
        givenId: ctx.procedure.id,
        givenVersion: ctx.procedure.version,
      });
    }
    const t = new Transition({ ...state, seq: state.seq + 1 }, ctx);
    apply(t, event);
    return t;
  };
}

export const HANDLERS: { readonly [K in DisputeEventType]: Handler<K> } = {
  raised: (state, event, ctx) => {
    if (state) refuse('already-raised', 'already-raised');
    return raise(event, ctx);
  },
  'informal-outcome': onDispute(onInformalOutcome),
  decision: onDispute(onDecision),
  bypass: onDispute(onBypass),
  'message-sent': onDispute(onMessageSent),
  'reply-received': onDispute(onReplyReceived),
  acknowledged: onDispute(onAcknowledged),
  chase: onDispute(onChase),
  'timer-fired': onDispute(onTimer),
  'meeting-booked': onDispute(onMeetingBooked),
  'meeting-unbookable': onDispute(onMeetingUnbookable),
  'meeting-response': onDispute(onMeetingResponse),
  'meeting-move': onDispute(onMeetingMove),
  'meeting-requested': onDispute(onMeetingRequested),
  'meeting-held': onDispute((t, event) => onMeetingHeld(t, event.eventId)),
  'outcome-recorded': onDispute(onOutcome),
  'exceptional-referral': onDispute(onReferral),
  'referral-sent': onDispute(onReferralSent),
  'note-recorded': onDispute(onNoteRecorded),
  'consultation-answered': onDispute(onConsultationAnswered),
  withdrawn: onDispute(onWithdrawn),
  resolved: onDispute(onResolved),
  closed: onDispute(onClosed),
  'action-done': onDispute(onActionDone),
  'learning-followed-up': onDispute(onLearningFollowedUp),
  'after-resolution-sent': onDispute(onAfterResolutionSent),
};

export const decide: Decide = (state, event, ctx) => {
  try {
    const handler = HANDLERS[event.type] as Handler<DisputeEventType>;
    const t = handler(state, event, ctx);
    return { ok: true, state: t.state, effects: t.effects };
  } catch (error) {
    if (error instanceof RefusalSignal) return { ok: false, refusal: error.refusal };
    throw error;
  }
};
