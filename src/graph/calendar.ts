/**
 * Calendar calls and their translation to plain data: free/busy (`getSchedule`), event create / get /
 * cancel. Times go to Graph in UTC (`{ dateTime, timeZone: 'UTC' }`) and come back as ISO instants.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Interval } from '../domain/meeting/slots.ts';
import { type BatchRequest, type GraphBatch, sequence } from './batch.ts';
import { isNotFound } from './errors.ts';
import {
  DISPUTE_ID_PROPERTY,
  EFFECT_KEY_PROPERTY,
  extendedPropertyFilter,
  filterParam,
  IMMUTABLE_IDS,
  userPath,
} from './ids.ts';

export interface DateTimeTimeZone {
  readonly dateTime: string;
  readonly timeZone: string;
}

export interface CalendarEvent {
  readonly id: string;
  readonly start: string;
  readonly end: string;
  /** `onlineMeeting.joinUrl`, only when Graph says the event is an online meeting (`isOnlineMeeting`). */
  readonly joinUrl?: string;
  readonly isCancelled: boolean;
  readonly attendees: readonly {
    readonly email: string;
    readonly type: 'required' | 'optional' | 'resource';
    readonly response:
      | 'none'
      | 'organizer'
      | 'tentativelyAccepted'
      | 'accepted'
      | 'declined'
      | 'notResponded';
    /** The time the attendee proposed instead (Graph leaves the property out when there is none). */
    readonly proposedNewTime?: Interval;
  }[];
}

export interface NewEvent {
  readonly subject: string;
  readonly html: string;
  readonly start: string;
  readonly end: string;
  readonly attendees: readonly {
    readonly email: string;
    readonly name: string;
    readonly required: boolean;
  }[];
  /** A Teams meeting (`isOnlineMeeting`, `teamsForBusiness`); false for a meeting held in person. */
  readonly online: boolean;
  /** Where it is held, for a meeting in person (`location.displayName`). */
  readonly location?: string;
  readonly transactionId: string;
  readonly effectKey: string;
  readonly disputeId: string;
}

export interface GraphCalendar {
  /** Busy intervals (busy, tentative, oof) per address; addresses Graph cannot see are left out. */
  busy(organiser: string, addresses: readonly string[], window: Interval): Promise<Map<string, Interval[]>>;
  findByEffectKey(organiser: string, key: string): Promise<CalendarEvent | undefined>;
  create(organiser: string, event: NewEvent): Promise<CalendarEvent>;
  get(organiser: string, eventId: string): Promise<CalendarEvent | undefined>;
  /** Cancels (organiser) an event; a missing or already-cancelled event counts as done. */
  cancel(organiser: string, eventId: string, comment: string): Promise<'cancelled' | 'already-gone'>;
  /**
   * `cancel`, then `busy`, as a re-booking needs them: with a batch, in one sequential `$batch` (the
   * free/busy is read after the cancel, so the old slot reads free, as it does with two requests);
   * whatever the batch did not settle is done on its own, as `cancel` and `busy` do it.
   */
  cancelThenBusy(
    organiser: string,
    eventId: string,
    comment: string,
    busy: { readonly addresses: readonly string[]; readonly window: Interval },
  ): Promise<{ cancelled: 'cancelled' | 'already-gone'; busy: Map<string, Interval[]> }>;
}

/** The GET of one event as Concord reads it (for a `$batch` that other reads share). */
export function eventReadRequest(organiser: string, eventId: string): Omit<BatchRequest, 'id'> {
  return {
    method: 'GET',
    url: `${userPath(organiser)}/events/${encodeURIComponent(eventId)}?$select=${EVENT_SELECT}`,
    headers: PREFER,
  };
}

/** An event as `eventReadRequest` answers it, in plain data. */
export function parseEvent(body: unknown): CalendarEvent {
  return toEvent(body as GraphEvent);
}

const PREFER = { Prefer: `${IMMUTABLE_IDS}, outlook.timezone="UTC"` };
const EVENT_SELECT = 'id,start,end,isOnlineMeeting,onlineMeeting,isCancelled,attendees';
const BUSY_STATUSES = new Set(['busy', 'tentative', 'oof']);

export function createGraphCalendar(options: {
  readonly client: Client;
  /** With a batch, `cancelThenBusy` is one request. */
  readonly batch?: GraphBatch;
}): GraphCalendar {
  const { client } = options;
  const events = (organiser: string) => `${userPath(organiser)}/events`;

  const scheduleRequest = (addresses: readonly string[], window: Interval) => ({
    schedules: [...new Set(addresses.map((a) => a.toLowerCase()))],
    startTime: utc(window.start),
    endTime: utc(window.end),
    availabilityViewInterval: 30,
  });

  const calendar: GraphCalendar = {
    async busy(organiser, addresses, window) {
      const result = (await client
        .api(`${userPath(organiser)}/calendar/getSchedule`)
        .headers(PREFER)
        .post(scheduleRequest(addresses, window))) as ScheduleAnswer;
      return busyOf(result);
    },
    async cancelThenBusy(organiser, eventId, comment, wanted) {
      if (!options.batch)
        return {
          cancelled: await calendar.cancel(organiser, eventId, comment),
          busy: await calendar.busy(organiser, wanted.addresses, wanted.window),
        };
      const answers = await options.batch.run(
        sequence([
          {
            id: 'cancel',
            method: 'POST',
            url: `${events(organiser)}/${encodeURIComponent(eventId)}/cancel`,
            body: { comment },
            headers: PREFER,
          },
          {
            id: 'schedule',
            method: 'POST',
            url: `${userPath(organiser)}/calendar/getSchedule`,
            body: scheduleRequest(wanted.addresses, wanted.window),
            headers: PREFER,
          },
        ]),
      );
      const cancel = answers.get('cancel');
      const schedule = answers.get('schedule');
      // Anything but a plain success or a 404 (already gone) goes the single-request way, which
      // checks a refused second cancel and throws what it cannot settle.
      const cancelled =
        cancel && cancel.status < 300
          ? 'cancelled'
          : cancel?.status === 404
            ? 'already-gone'
            : await calendar.cancel(organiser, eventId, comment);
      const busy =
        schedule && schedule.status < 300
          ? busyOf(schedule.body as ScheduleAnswer)
          : await calendar.busy(organiser, wanted.addresses, wanted.window);
      return { cancelled, busy };
    },
    async findByEffectKey(organiser, key) {
      const result = (await client
        .api(events(organiser))
        .headers(PREFER)
        .filter(filterParam(extendedPropertyFilter(EFFECT_KEY_PROPERTY, key)))
        .select(EVENT_SELECT)
        .top(1)
        .get()) as { value?: GraphEvent[] };
      const found = result.value?.[0];
      return found ? toEvent(found) : undefined;
    },
    async create(organiser, event) {
      const created = (await client
        .api(events(organiser))
        .headers(PREFER)
        .post({
          subject: event.subject,
          body: { contentType: 'html', content: event.html },
          start: utc(event.start),
          end: utc(event.end),
          attendees: event.attendees.map((a) => ({
            emailAddress: { address: a.email, name: a.name },
            type: a.required ? 'required' : 'optional',
          })),
          importance: 'high',
          ...(event.online
            ? { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' }
            : { isOnlineMeeting: false }),
          ...(event.location ? { location: { displayName: event.location } } : {}),
          // Attendees may answer "Tentative" or decline with another time (proposedNewTime).
          allowNewTimeProposals: true,
          responseRequested: true,
          transactionId: event.transactionId,
          singleValueExtendedProperties: [
            { id: EFFECT_KEY_PROPERTY, value: event.effectKey },
            { id: DISPUTE_ID_PROPERTY, value: event.disputeId },
          ],
        })) as GraphEvent;
      return toEvent(created);
    },
    async get(organiser, eventId) {
      try {
        const found = (await client
          .api(`${events(organiser)}/${encodeURIComponent(eventId)}`)
          .headers(PREFER)
          .select(EVENT_SELECT)
          .get()) as GraphEvent;
        return toEvent(found);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async cancel(organiser, eventId, comment) {
      try {
        await client
          .api(`${events(organiser)}/${encodeURIComponent(eventId)}/cancel`)
          .headers(PREFER)
          .post({ comment });
        return 'cancelled';
      } catch (error) {
        if (isNotFound(error)) return 'already-gone';
        if ((error as { statusCode?: number }).statusCode === 400) {
          // Cancelling twice is refused; check that it is in fact cancelled.
          const current = await calendar.get(organiser, eventId);
          if (!current || current.isCancelled) return 'already-gone';
        }
        throw error;
      }
    },
  };
  return calendar;
}

interface ScheduleAnswer {
  value?: {
    scheduleId: string;
    error?: unknown;
    scheduleItems?: { status: string; start: DateTimeTimeZone; end: DateTimeTimeZone }[];
  }[];
}

function busyOf(result: ScheduleAnswer): Map<string, Interval[]> {
  const out = new Map<string, Interval[]>();
  for (const info of result.value ?? []) {
    if (info.error) continue;
    out.set(
      info.scheduleId.toLowerCase(),
      (info.scheduleItems ?? [])
        .filter((item) => BUSY_STATUSES.has(item.status))
        .map((item) => ({ start: instant(item.start), end: instant(item.end) })),
    );
  }
  return out;
}

interface GraphEvent {
  id: string;
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  isCancelled?: boolean;
  isOnlineMeeting?: boolean;
  onlineMeeting?: { joinUrl?: string } | null;
  attendees?: {
    type?: string;
    emailAddress?: { address?: string };
    status?: { response?: string };
    proposedNewTime?: { start?: DateTimeTimeZone; end?: DateTimeTimeZone } | null;
  }[];
}

const RESPONSES = new Set([
  'none',
  'organizer',
  'tentativelyAccepted',
  'accepted',
  'declined',
  'notResponded',
]);

function toEvent(e: GraphEvent): CalendarEvent {
  return {
    id: e.id,
    start: instant(e.start),
    end: instant(e.end),
    // Graph can answer 201 to a Teams meeting without one (an organiser with no Teams): the link
    // counts only when the event says it is online and the link is an https URL.
    ...(e.isOnlineMeeting === true && e.onlineMeeting?.joinUrl && /^https:\/\//i.test(e.onlineMeeting.joinUrl)
      ? { joinUrl: e.onlineMeeting.joinUrl }
      : {}),
    isCancelled: e.isCancelled === true,
    attendees: (e.attendees ?? []).map((a) => {
      const response = a.status?.response ?? 'none';
      const proposed = a.proposedNewTime;
      return {
        email: (a.emailAddress?.address ?? '').toLowerCase(),
        type: a.type === 'optional' ? 'optional' : a.type === 'resource' ? 'resource' : 'required',
        response: (RESPONSES.has(response)
          ? response
          : 'none') as CalendarEvent['attendees'][number]['response'],
        ...(proposed?.start && proposed.end
          ? { proposedNewTime: { start: instant(proposed.start), end: instant(proposed.end) } }
          : {}),
      };
    }),
  };
}

function utc(iso: string): DateTimeTimeZone {
  return { dateTime: new Date(iso).toISOString().replace(/Z$/, ''), timeZone: 'UTC' };
}

/** Graph's dateTime + timeZone to an ISO instant. Concord asks for UTC, so that is what it reads. */
function instant(value: DateTimeTimeZone): string {
  const zone = value.timeZone.toUpperCase();
  if (zone !== 'UTC' && zone !== 'ETC/UTC' && zone !== 'COORDINATED UNIVERSAL TIME')
    throw new Error(`unexpected time zone ${value.timeZone}; Concord asks Graph for UTC`);
  const text = /[zZ]|[+-]\d\d:\d\d$/.test(value.dateTime) ? value.dateTime : `${value.dateTime}Z`;
  return new Date(text).toISOString();
}
