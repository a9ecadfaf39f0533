/**
 * Meeting response tracking: attendees' `status.response` on the convener's copy of a booked event
 * becomes `meeting-response` events; an event whose end has passed becomes `meeting-held` (the domain
 * also sets a meeting-end timer; whichever comes second is refused harmlessly).
 *
 * Driven by change notifications on the conveners' events (`processEvent`), with `poll()` as the
 * fallback the scheduler calls (say every 15 minutes). Only events Concord booked (`MeetingIndex`) are
 * read. A response is emitted when it differs from the last one seen in this process; an attendee's
 * `proposedNewTime` (a tentative answer or a decline proposing another time, as Graph documents in
 * "Propose new meeting times") goes with it, and a new proposal counts as a new answer.
 */
import type { Logger } from '../log/index.ts';
import type { GraphCalendar } from './calendar.ts';
import type { DisputeEventSink, MeetingIndex } from './ports.ts';

export interface MeetingTracker {
  processEvent(mailbox: string, eventId: string, changeType?: string): Promise<number>;
  poll(): Promise<number>;
}

export function createMeetingTracker(options: {
  readonly calendar: GraphCalendar;
  readonly index: MeetingIndex;
  readonly sink: DisputeEventSink;
  readonly now: () => Date;
  readonly log: Logger;
}): MeetingTracker {
  const { calendar, index, sink } = options;
  const log = options.log.child({ component: 'meeting-tracker' });
  const seen = new Map<string, string>();

  async function processEvent(mailbox: string, eventId: string, changeType?: string): Promise<number> {
    const tracked = await index.lookup(eventId);
    if (!tracked || tracked.convener !== mailbox.toLowerCase()) return 0;
    if (changeType === 'deleted') return 0;
    const event = await calendar.get(tracked.convener, eventId);
    if (!event || event.isCancelled) {
      await index.forget(eventId);
      return 0;
    }
    let emitted = 0;
    for (const attendee of event.attendees) {
      if (
        attendee.response === 'none' ||
        attendee.response === 'notResponded' ||
        attendee.response === 'organizer'
      )
        continue;
      const key = `${eventId}|${attendee.email}`;
      const proposed = attendee.proposedNewTime;
      const answer = `${attendee.response}|${proposed?.start ?? ''}|${proposed?.end ?? ''}`;
      if (seen.get(key) === answer) continue;
      seen.set(key, answer);
      await sink.emit(
        tracked.disputeId,
        {
          type: 'meeting-response',
          eventId,
          attendeeEmail: attendee.email,
          response: attendee.response,
          ...(proposed ? { proposedNewTime: proposed } : {}),
        },
        'calendar',
      );
      emitted++;
    }
    if (Date.parse(event.end) <= options.now().getTime()) {
      await sink.emit(tracked.disputeId, { type: 'meeting-held', eventId }, 'calendar');
      await index.forget(eventId);
      emitted++;
    }
    if (emitted > 0) log.info({ eventId, disputeId: tracked.disputeId, emitted }, 'meeting changes fed');
    return emitted;
  }

  return {
    processEvent,
    async poll() {
      let emitted = 0;
      for (const tracked of await index.list())
        emitted += await processEvent(tracked.convener, tracked.eventId);
      return emitted;
    },
  };
}
