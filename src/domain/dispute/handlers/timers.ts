/** Timers firing: stage and overall warnings and deadlines, the meeting's end, agreed actions due. */
import type { EventOf } from '../decide.ts';
import { isSamePerson, requireAwaiting, requireOpen, requirePhase } from '../guards.ts';
import { timerSuffix } from '../keys.ts';
import { refuse } from '../refusal.ts';
import type { Transition } from '../transition.ts';
import { STAGE_TIMER_KINDS } from '../transition.ts';
import { VERBS } from '../verbs.ts';
import { onMeetingHeld } from './meeting.ts';

export function onTimer(t: Transition, event: EventOf<'timer-fired'>): void {
  if (t.state.status !== 'open' && event.kind !== 'action-due') refuse('stale-timer', 'timer-after-end');
  const s = t.state.stage;
  const isStageTimer = STAGE_TIMER_KINDS.includes(event.kind) || event.kind === 'meeting-end';
  if (isStageTimer && event.stageId !== s.id) refuse('stale-timer', 'timer-earlier-stage');
  const who = s.awaiting ?? s.actor ?? t.state.owner;
  switch (event.kind) {
    case 'stage-warning-50':
    case 'stage-warning-75': {
      const pct = event.kind === 'stage-warning-50' ? '50%' : '75%';
      t.sendCard(
        who,
        'warning',
        t.cardView(`${t.stage.name}: ${pct} of the time has gone`, [`Due by ${s.dueDate}.`]),
        'warning',
      );
      return;
    }
    case 'stage-deadline': {
      if (s.phase === 'awaiting-acknowledgement' && s.actor) {
        // The counterpart replied in time; only the acknowledgement is outstanding.
        t.sendCard(
          s.actor,
          'warning',
          t.cardView(`${t.stage.name}: the reply is waiting for you`, [
            'The response arrived within the timescale. Say whether it is agreed so the counterpart has your acknowledgement.',
          ]),
          'warning',
        );
        return;
      }
      t.updateStage({ overdue: true });
      t.record({
        contactType: 'system',
        between: [],
        summary: `${t.stage.name} deadline (${s.dueDate}) passed.`,
      });
      if (s.phase === 'awaiting-response' && s.actor) {
        t.updateStage({ awaiting: s.actor });
        t.sendCard(
          s.actor,
          'no-response',
          t.cardView(
            'No response by the deadline',
            [
              `No reply was received by ${s.dueDate}. Chase the counterpart, or treat it as not agreed so the next stage can be considered.`,
            ],
            [
              { verb: VERBS.chase, title: 'Chase' },
              { verb: VERBS.notAgreed, title: 'Not agreed: escalate' },
            ],
          ),
        );
        return;
      }
      t.sendCard(
        who,
        'warning',
        t.cardView(`${t.stage.name} is overdue`, [`It was due by ${s.dueDate}.`]),
        'warning',
      );
      if (!isSamePerson(who, t.state.owner)) {
        t.sendCard(
          t.state.owner,
          'warning',
          t.cardView(`${t.stage.name} is overdue`, [`It was due by ${s.dueDate}, with ${who.name}.`]),
          'warning',
        );
      }
      return;
    }
    case 'overall-warning-50':
    case 'overall-warning-75':
    case 'overall-deadline': {
      const overall = t.procedure.overall;
      const text =
        event.kind === 'overall-deadline'
          ? `The ${overall?.workingDays}-working-day limit has passed. ${overall?.quote ?? ''}`
          : `${event.kind === 'overall-warning-50' ? '50%' : '75%'} of the ${overall?.workingDays} working days have gone. ${overall?.quote ?? ''}`;
      if (event.kind === 'overall-deadline') t.record({ contactType: 'system', between: [], summary: text });
      for (const person of [
        t.state.owner,
        ...(s.awaiting && !isSamePerson(s.awaiting, t.state.owner) ? [s.awaiting] : []),
      ]) {
        t.sendCard(person, 'warning', t.cardView('Overall timescale', [text]), 'overall');
      }
      return;
    }
    case 'meeting-end': {
      const meeting = s.meeting;
      if (!meeting?.eventId) refuse('stale-timer', 'timer-no-meeting');
      onMeetingHeld(t, meeting.eventId);
      return;
    }
    case 'action-due': {
      const outcome = [...t.state.outcomes].reverse().find((o) => o.actions.length > 0);
      const index = Number(timerSuffix(event.key));
      const action = outcome?.actions[index];
      if (!action) refuse('stale-timer', 'timer-no-action');
      t.sendCard(
        t.state.owner,
        'action-due',
        t.cardView('An agreed action is due today', [
          `${action.description} (${action.owner}), due ${action.dueDate}.`,
        ]),
        `action-${index}`,
      );
      t.record({
        contactType: 'system',
        between: [],
        summary: `Agreed action due: ${action.description} (${action.owner}).`,
      });
      return;
    }
  }
}
