import { londonDay } from '../../calendar/index.ts';
/** Timers firing: stage and overall warnings and deadlines, the meeting's end, agreed actions due. */

import type { CardIntent } from '../card-intents.ts';
import { unansweredByEmail } from '../channels.ts';
import type { EventOf } from '../decide-types.ts';
import { isSamePerson } from '../guards.ts';
import { timerSuffix } from '../keys.ts';
import { refuse } from '../refusal.ts';
import type { Transition } from '../transition.ts';
import { STAGE_TIMER_KINDS } from '../transition.ts';
import { onMeetingHeld } from './meeting.ts';

export function onTimer(t: Transition, event: EventOf<'timer-fired'>): void {
  const afterEnd = event.kind === 'action-due' || event.kind === 'after-resolution-due';
  if (t.state.status !== 'open' && !afterEnd) refuse('stale-timer', 'timer-after-end');
  const s = t.state.stage;
  const isStageTimer = STAGE_TIMER_KINDS.includes(event.kind) || event.kind === 'meeting-end';
  if (isStageTimer && event.stageId !== s.id) refuse('stale-timer', 'timer-earlier-stage');
  const who = s.awaiting ?? s.actor ?? t.state.owner;
  switch (event.kind) {
    case 'stage-warning-50':
    case 'stage-warning-75': {
      t.sendCard(
        who,
        'warning',
        {
          kind: 'stage-warning',
          stageName: t.stage.name,
          percent: event.kind === 'stage-warning-50' ? 50 : 75,
          dueDate: s.dueDate,
        },
        'warning',
      );
      return;
    }
    case 'stage-deadline': {
      if (s.phase === 'awaiting-acknowledgement' && s.actor) {
        // The counterpart replied in time; only the acknowledgement is outstanding.
        t.sendCard(s.actor, 'warning', { kind: 'reply-waiting', stageName: t.stage.name }, 'warning');
        return;
      }
      t.updateStage({ overdue: true });
      t.record({
        contactType: 'system',
        between: [],
        kind: 'stage-overdue',
        params: { stageName: t.stage.name, dueDate: s.dueDate },
      });
      if (s.phase === 'awaiting-response' && s.actor) {
        t.updateStage({ awaiting: s.actor });
        t.sendCard(s.actor, 'no-response', { kind: 'no-response', dueDate: s.dueDate });
        return;
      }
      const unanswered = s.phase === 'awaiting-outcome' ? unansweredByEmail(t) : [];
      if (unanswered.length > 0) {
        // A discussion held by email that the other agency has not answered: chase it on the thread.
        t.sendCard(who, 'no-response', {
          kind: 'no-response',
          dueDate: s.dueDate,
          discussion: { stageName: t.stage.name, with: unanswered.map((p) => p.name) },
        });
      } else {
        t.sendCard(
          who,
          'warning',
          { kind: 'stage-overdue', stageName: t.stage.name, dueDate: s.dueDate, with: null },
          'warning',
        );
      }
      if (!isSamePerson(who, t.state.owner)) {
        t.sendCard(
          t.state.owner,
          'warning',
          { kind: 'stage-overdue', stageName: t.stage.name, dueDate: s.dueDate, with: who.name },
          'warning',
        );
      }
      return;
    }
    case 'overall-warning-50':
    case 'overall-warning-75':
    case 'overall-deadline': {
      const overall = t.procedure.overall;
      if (event.kind === 'overall-deadline') {
        t.record({
          contactType: 'system',
          between: [],
          kind: 'overall-limit-passed',
          params: { workingDays: overall?.workingDays ?? null, quote: overall?.quote ?? null },
        });
      }
      const overallIntent: CardIntent = {
        kind: 'overall-timescale',
        percent: event.kind === 'overall-deadline' ? 100 : event.kind === 'overall-warning-50' ? 50 : 75,
        workingDays: overall?.workingDays ?? null,
        quote: overall?.quote ?? null,
        ...(overall ? { strength: overall.strength } : {}),
      };
      for (const person of [
        t.state.owner,
        ...(s.awaiting && !isSamePerson(s.awaiting, t.state.owner) ? [s.awaiting] : []),
      ]) {
        t.sendCard(person, 'warning', overallIntent, 'overall');
      }
      return;
    }
    case 'meeting-end': {
      const meeting = s.meeting;
      if (!meeting?.eventId) refuse('stale-timer', 'timer-no-meeting');
      onMeetingHeld(t, meeting.eventId);
      return;
    }
    case 'after-resolution-due': {
      const after = t.procedure.afterResolution.find((a) => a.id === timerSuffix(event.key));
      if (!after?.within) refuse('stale-timer', 'timer-no-action');
      const to = (after.to && t.resolve(after.to, t.state.owner)) || t.state.owner;
      const resolvedAt = t.state.endedAt ?? t.ctx.now;
      const dueDate = londonDay(new Date(Date.parse(resolvedAt) + after.within.weeks * 7 * 86_400_000));
      t.sendCard(
        to,
        'status',
        { kind: 'after-resolution', quote: after.quote, step: after.kind, dueDate, reminder: true },
        `after-${after.id}`,
      );
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
        { kind: 'action-due', description: action.description, owner: action.owner, dueDate: action.dueDate },
        `action-${index}`,
      );
      t.record({
        contactType: 'system',
        between: [],
        kind: 'action-due',
        params: { description: action.description, owner: action.owner },
      });
      return;
    }
  }
}
