/** A stage's meeting: booked, unbookable, responses, moved, requested and held. */

import type { CardIntent } from '../card-intents.ts';
import type { EventOf } from '../decide-types.ts';
import { isSamePerson, requireAwaiting, requireOpen, requirePhase } from '../guards.ts';
import { bookMeeting } from '../meeting-booking.ts';
import { refuse } from '../refusal.ts';
import type { Transition } from '../transition.ts';
import type { MeetingState } from '../types.ts';

export function onMeetingBooked(t: Transition, event: EventOf<'meeting-booked'>): void {
  requireOpen(t);
  requirePhase(t, 'booking');
  const meeting = t.state.stage.meeting;
  if (!meeting) refuse('unknown-meeting', 'no-meeting-booking');
  t.updateStage({
    phase: 'meeting-booked',
    awaiting: null,
    meeting: {
      ...withoutLink(meeting),
      status: 'booked',
      eventId: event.eventId,
      start: event.start,
      end: event.end,
      ...(event.joinUrl ? { joinUrl: event.joinUrl } : {}),
      ...(event.onlineLinkMissing ? { onlineLinkMissing: true } : {}),
      alternatives: (event.alternatives ?? []).filter((a) => a !== event.start).slice(0, 20),
      attendees: meeting.attendees.map((a) => ({ ...a, response: 'none' as const })),
      // Everyone is invited afresh: earlier proposals answered the event this one replaces.
      proposals: [],
    },
  });
  t.setTimer('meeting-end', event.end, t.state.stage.id, String(meeting.attempts));
  const late = t.state.stage.due && event.end > t.state.stage.due;
  t.record({
    contactType: 'meeting',
    between: [meeting.convener.name, ...meeting.attendees.map((a) => a.person.name)],
    kind: 'meeting-booked',
    params: { start: event.start, endsAfterDeadline: !!late },
  });
  t.sendCard(meeting.convener, 'meeting', meetingCard(t), 'meeting');
  return;
}

export function onMeetingUnbookable(t: Transition, event: EventOf<'meeting-unbookable'>): void {
  requireOpen(t);
  requirePhase(t, 'booking');
  const meeting = t.state.stage.meeting;
  if (!meeting) refuse('unknown-meeting', 'no-meeting-booking');
  t.updateStage({ awaiting: meeting.convener });
  t.record({
    contactType: 'system',
    between: [meeting.convener.name],
    kind: 'meeting-unbookable',
    params: { reason: event.reason },
  });
  t.sendCard(meeting.convener, 'meeting', { kind: 'meeting-unbookable', reason: event.reason }, 'meeting');
  return;
}

export function onMeetingResponse(t: Transition, event: EventOf<'meeting-response'>): void {
  requireOpen(t);
  const meeting = t.state.stage.meeting;
  if (!meeting || meeting.eventId !== event.eventId) refuse('unknown-meeting', 'not-current-meeting');
  const email = event.attendeeEmail.toLowerCase();
  const listed = meeting.attendees.find((a) => a.person.email.toLowerCase() === email);
  // A convener in another tenant is invited to the meeting Concord organises for them on a host
  // calendar, so their answer comes back like an attendee's and counts as a required one.
  const isConvener = !listed && meeting.convener.email.toLowerCase() === email;
  if (!listed && !isConvener) refuse('unknown-meeting', 'not-invited');
  const person = listed?.person ?? meeting.convener;
  const required = listed?.required ?? true;
  const proposal = proposalInWindow(t, event);
  const known = meeting.proposals?.find((p) => p.email === email);
  const sameProposal = (known?.start ?? null) === (proposal?.start ?? null);
  if (listed?.response === event.response && sameProposal) return;
  if (isConvener && sameProposal && meeting.convenerResponse === event.response) return;
  const attendees = meeting.attendees.map((a) => (a === listed ? { ...a, response: event.response } : a));
  const proposals = [
    ...(meeting.proposals ?? []).filter((p) => p.email !== email),
    ...(proposal ? [{ name: person.name, email, ...proposal }] : []),
  ];
  const updated = {
    ...meeting,
    attendees,
    proposals,
    ...(isConvener ? { convenerResponse: event.response } : {}),
  };
  t.updateStage({ meeting: updated });
  t.record({
    contactType: 'meeting',
    between: [person.name],
    kind: 'meeting-response',
    params: {
      name: person.name,
      response: event.response,
      ...(proposal ? { proposedStart: proposal.start, proposedEnd: proposal.end } : {}),
    },
  });
  if (event.response === 'declined' && required && t.state.stage.phase === 'meeting-booked') {
    const declined = meeting.start ? [...meeting.declinedSlots, meeting.start] : meeting.declinedSlots;
    t.cancelTimer('meeting-end', t.state.stage.id, String(meeting.attempts));
    t.updateStage({ meeting: { ...updated, declinedSlots: declined } });
    // A time they proposed inside the window is tried first; otherwise the next viable slot.
    bookMeeting(t, t.stage, meeting.convener, proposal ? { proposedStarts: [proposal.start] } : {});
    t.sendCard(
      meeting.convener,
      'meeting',
      { kind: 'meeting-rebooking', declinedBy: person.name },
      'meeting',
    );
    return;
  }
  if (proposal && t.state.stage.phase === 'meeting-booked') {
    // A tentative answer with another time: the convener is offered that time first, to move to.
    const alternatives = [
      proposal.start,
      ...(meeting.alternatives ?? []).filter((a) => a !== proposal.start),
    ];
    t.updateStage({ meeting: { ...updated, alternatives } });
  }
  t.sendCard(meeting.convener, 'meeting', meetingCard(t), 'meeting');
  return;
}

/** The attendee's proposed time, when it starts after now and ends by the step's deadline. */
function proposalInWindow(
  t: Transition,
  event: EventOf<'meeting-response'>,
): { start: string; end: string } | undefined {
  const p = event.proposedNewTime;
  if (!p || Number.isNaN(Date.parse(p.start)) || Number.isNaN(Date.parse(p.end))) return undefined;
  const start = new Date(p.start).toISOString();
  const end = new Date(p.end).toISOString();
  if (!(start < end) || start <= t.ctx.now) return undefined;
  const due = t.state.stage.due;
  if (due && end > due) return undefined;
  return { start, end };
}

export function onMeetingMove(t: Transition, event: EventOf<'meeting-move'>): void {
  requireOpen(t);
  requirePhase(t, 'meeting-booked', 'booking');
  const meeting = t.state.stage.meeting;
  if (!meeting || !isSamePerson(event.by, meeting.convener)) refuse('not-your-step', 'only-convener-moves');
  if (Number.isNaN(Date.parse(event.start)) || event.start < t.ctx.now)
    refuse('invalid-input', 'start-in-past', {}, 'start');
  const start = new Date(event.start).toISOString();
  // A booked meeting moves only to a time Concord found free for everyone inside the window.
  if (meeting.alternatives?.length && !meeting.alternatives.includes(start)) {
    refuse('invalid-input', 'start-not-proposed', {}, 'start');
  }
  t.cancelTimer('meeting-end', t.state.stage.id, String(meeting.attempts));
  bookMeeting(t, t.stage, meeting.convener, { preferredStart: event.start });
  t.record({
    contactType: 'meeting',
    between: [meeting.convener.name],
    kind: 'meeting-moved',
    params: { start: event.start },
  });
  return;
}

export function onMeetingRequested(t: Transition, event: EventOf<'meeting-requested'>): void {
  requireOpen(t);
  requirePhase(t, 'awaiting-outcome');
  requireAwaiting(t, event.by, 'book-meeting');
  if (!t.stage.meeting) refuse('option-not-available', 'no-meeting-at-stage', { stage: t.stage.name });
  bookMeeting(t, t.stage, event.by);
  return;
}

export function onMeetingHeld(t: Transition, eventId: string): void {
  requireOpen(t);
  const meeting = t.state.stage.meeting;
  if (!meeting || meeting.eventId !== eventId) refuse('unknown-meeting', 'not-current-meeting');
  if (t.state.stage.phase !== 'meeting-booked') refuse('wrong-phase', 'meeting-not-booked');
  // A convener in another tenant (an independent chair) cannot get a Teams card: a host-side party records it.
  const recorder = t.recorderFor(meeting.convener);
  t.addParticipants(recorder);
  t.updateStage({
    phase: 'awaiting-outcome',
    awaiting: recorder,
    meeting: { ...meeting, status: 'held' },
  });
  const stage = t.stage;
  t.record({
    contactType: 'meeting',
    between: [meeting.convener.name, ...meeting.attendees.map((a) => a.person.name)],
    kind: 'meeting-held',
    params: { stageName: stage.name },
  });
  t.sendCard(recorder, 'outcome', {
    kind: 'record-outcome',
    after: 'meeting',
    name: stage.name,
    quote: stage.quote,
    with: [],
    mustNotRecord: t.procedure.record.mustNotRecord,
    mustInclude: stage.content.required.map((c) => c.label),
    canRequestMeeting: false,
    ...(recorder.id !== meeting.convener.id ? { onBehalfOf: meeting.convener.name } : {}),
  });
}

/** A re-booked meeting starts with no link of its own: the new event says whether it has one. */
function withoutLink(m: MeetingState): MeetingState {
  const { joinUrl: _joinUrl, onlineLinkMissing: _missing, ...rest } = m;
  return rest;
}

function meetingCard(t: Transition): CardIntent {
  const m = t.state.stage.meeting;
  return {
    kind: 'meeting',
    stageName: t.stage.name,
    start: m?.start ?? null,
    joinUrl: m?.joinUrl ?? null,
    onlineLinkMissing: m?.onlineLinkMissing === true,
    attendees: (m?.attendees ?? []).map((a) => ({ name: a.person.name, response: a.response })),
  };
}
