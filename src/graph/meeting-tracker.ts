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
import type { BatchRequest } from './batch.ts';
import { type CalendarEvent, eventReadRequest, type GraphCalendar, parseEvent } from './calendar.ts';
import { GraphStatusError } from './errors.ts';
import type { DisputeEventSink, MeetingIndex } from './ports.ts';
import type { ReadPlan } from './reply-tracker.ts';

type TrackedMeeting = NonNullable<Awaited<ReturnType<MeetingIndex['lookup']>>>;

/** One change notification about an event on a calendar. */
export interface EventRef {
  readonly mailbox: string;
  readonly eventId: string;
  readonly changeType?: string;
}

export interface MeetingTracker {
  processEvent(mailbox: string, eventId: string, changeType?: string): Promise<number>;
  /**
   * `processEvent` for several events, in two steps so the reads can share a `$batch` with other
   * reads (inbound.ts): the GETs of the events Concord booked, then `finish` with their answers.
   */
  planEvents(refs: readonly EventRef[]): Promise<ReadPlan<number>>;
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

  /** The booked meeting a notification is about, when it needs a read. */
  async function trackedFor(mailbox: string, eventId: string, changeType?: string) {
    const tracked = await index.lookup(eventId);
    if (!tracked || tracked.convener !== mailbox.toLowerCase()) return undefined;
    if (changeType === 'deleted') return undefined;
    return tracked;
  }

  async function processEvent(mailbox: string, eventId: string, changeType?: string): Promise<number> {
    const tracked = await trackedFor(mailbox, eventId, changeType);
    if (!tracked) return 0;
    return apply(tracked, eventId, await calendar.get(tracked.convener, eventId));
  }

  async function planEvents(refs: readonly EventRef[]): Promise<ReadPlan<number>> {
    const items: { id: string; tracked: TrackedMeeting; eventId: string }[] = [];
    for (const ref of refs) {
      const tracked = await trackedFor(ref.mailbox, ref.eventId, ref.changeType);
      if (tracked && !items.some((i) => i.eventId === ref.eventId))
        items.push({ id: String(items.length), tracked, eventId: ref.eventId });
    }
    return {
      requests: items.map(
        (i): BatchRequest => ({ id: i.id, ...eventReadRequest(i.tracked.convener, i.eventId) }),
      ),
      async finish(responses) {
        let emitted = 0;
        let failed: GraphStatusError | undefined;
        for (const i of items) {
          const response = responses.get(i.id);
          if (!response || (response.status >= 400 && response.status !== 404)) {
            failed = new GraphStatusError(response?.status ?? 502, null, 'event read failed in a batch');
            continue;
          }
          emitted += await apply(
            i.tracked,
            i.eventId,
            response.status === 404 ? undefined : parseEvent(response.body),
          );
        }
        // The others are done; the failed one is retried with the notification (the rest are no-ops).
        if (failed) throw failed;
        return emitted;
      },
    };
  }

  async function apply(tracked: TrackedMeeting, eventId: string, event: CalendarEvent | undefined) {
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
    planEvents,
    async poll() {
      let emitted = 0;
      for (const tracked of await index.list())
        emitted += await processEvent(tracked.convener, tracked.eventId);
      return emitted;
    },
  };
}
