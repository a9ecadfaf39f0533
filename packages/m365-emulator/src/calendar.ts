/**
 * Exchange calendar behaviour: events with Teams meetings, invitations (an attendee copy of the event
 * plus an eventMessageRequest in the inbox), attendee responses (which update `attendees[].status` on
 * the organiser's copy and send an eventMessageResponse), updates, cancellations, and free/busy for
 * getSchedule.
 *
 * Events are stored with start/end in UTC and rendered in the `Prefer: outlook.timezone` zone.
 */
import { randomBytes } from 'node:crypto';
import { type ItemBody, preview, renderBody } from './body-format.ts';
import { badRequest, GraphError, itemNotFound } from './graph-error.ts';
import { changeKey, iCalUId, itemId } from './ids.ts';
import { createMessage, type Recipient, recipientOf } from './mail.ts';
import { applySelect, type Json } from './odata.ts';
import type { BusyBlock, EmulatorState, Mailbox, StoredEvent } from './state.ts';
import { type DateTimeTimeZone, fromInstant, preferredTimeZone, toInstant, toWindows } from './time-zones.ts';

const NEVER = '0001-01-01T00:00:00Z';

interface Attendee {
  type: 'required' | 'optional' | 'resource';
  status: { response: string; time: string };
  emailAddress: { name?: string; address: string };
  /** Stored in UTC; present only when the attendee proposed another time (Graph omits it otherwise). */
  proposedNewTime?: { start: DateTimeTimeZone; end: DateTimeTimeZone };
}

/** A timeSlot as Graph takes it in tentativelyAccept / decline. */
export interface TimeSlot {
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
}

const utc = (d: Date): DateTimeTimeZone => fromInstant(d, 'UTC');
const attendeesOf = (data: Json): Attendee[] =>
  Array.isArray(data.attendees) ? (data.attendees as Attendee[]) : [];
const instant = (value: unknown) => toInstant(value as DateTimeTimeZone);

export function getEvent(mailbox: Mailbox, id: string): StoredEvent {
  const stored = mailbox.events.get(id);
  if (!stored) throw itemNotFound();
  return stored;
}

function joinUrl(organiser: Mailbox): string {
  const thread = `19:meeting_${randomBytes(24).toString('base64url')}@thread.v2`;
  const context = encodeURIComponent(JSON.stringify({ Tid: organiser.tenantId, Oid: organiser.id }));
  return `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(thread)}/0?context=${context}`;
}

function normaliseAttendees(value: unknown): Attendee[] {
  if (!Array.isArray(value)) return [];
  return (value as Partial<Attendee>[]).map((a) => ({
    type: a.type ?? 'required',
    status: { response: 'none', time: NEVER },
    emailAddress: {
      ...(a.emailAddress?.name ? { name: a.emailAddress.name } : {}),
      address: String(a.emailAddress?.address ?? ''),
    },
  }));
}

function checkTimes(start: unknown, end: unknown): { start: Date; end: Date } {
  if (!start || !end)
    throw badRequest(
      "Your request can't be completed. The event must have a start and end time.",
      'ErrorInvalidRequest',
    );
  const s = instant(start);
  const e = instant(end);
  if (e.getTime() < s.getTime())
    throw badRequest('The end time must be after the start time.', 'ErrorInvalidRequest');
  return { start: s, end: e };
}

/**
 * POST /users/{id}/events. A repeated transactionId returns the first event.
 * `teams: false` is an organiser whose calendar allows no online meeting provider (no Teams licence,
 * Teams disabled): the event is still created (201), as an ordinary meeting with no join link,
 * whatever `isOnlineMeeting` asked. Graph documents checking the calendar's
 * `allowedOnlineMeetingProviders` first and no error for asking anyway.
 */
export function createEvent(
  state: EmulatorState,
  organiser: Mailbox,
  input: Json,
  options: { readonly teams?: boolean } = {},
): { event: StoredEvent; created: boolean } {
  const transactionId = typeof input.transactionId === 'string' ? input.transactionId : undefined;
  if (transactionId) {
    for (const existing of organiser.events.values())
      if (existing.transactionId === transactionId) return { event: existing, created: false };
  }
  const { start, end } = checkTimes(input.start, input.end);
  const now = state.clock.now().toISOString();
  const id = itemId();
  const body: ItemBody = {
    contentType:
      String((input.body as ItemBody | undefined)?.contentType ?? 'text').toLowerCase() === 'html'
        ? 'html'
        : 'text',
    content: (input.body as ItemBody | undefined)?.content ?? '',
  };
  const online = input.isOnlineMeeting === true && options.teams !== false;
  const provider = online
    ? String(input.onlineMeetingProvider ?? 'teamsForBusiness')
    : String(input.onlineMeetingProvider ?? 'unknown');
  const data: Json = {
    id,
    createdDateTime: now,
    lastModifiedDateTime: now,
    changeKey: changeKey(),
    categories: [],
    transactionId: transactionId ?? null,
    originalStartTimeZone: (input.start as DateTimeTimeZone).timeZone,
    originalEndTimeZone: (input.end as DateTimeTimeZone).timeZone,
    iCalUId: iCalUId(),
    uid: iCalUId(),
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: '',
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: false,
    isCancelled: false,
    isOrganizer: true,
    responseRequested: true,
    seriesMasterId: null,
    showAs: 'busy',
    type: 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    recurrence: null,
    location: {
      displayName: '',
      locationType: 'default',
      uniqueIdType: 'unknown',
      address: {},
      coordinates: {},
    },
    locations: [],
    ...input,
    isOnlineMeeting: online,
    onlineMeetingProvider: online || options.teams !== false ? provider : 'unknown',
    body,
    bodyPreview: preview(body),
    start: utc(start),
    end: utc(end),
    responseStatus: { response: 'organizer', time: NEVER },
    attendees: normaliseAttendees(input.attendees),
    organizer: recipientOf(organiser),
    onlineMeeting: online && provider === 'teamsForBusiness' ? { joinUrl: joinUrl(organiser) } : null,
  };
  const stored: StoredEvent = { seq: 0, data, ...(transactionId ? { transactionId } : {}) };
  organiser.events.set(id, stored);
  stored.seq = state.touch(organiser, { kind: 'event', changeType: 'created', id });
  for (const attendee of attendeesOf(data)) invite(state, organiser, stored, attendee, 'newMeetingRequest');
  return { event: stored, created: true };
}

function findByICal(mailbox: Mailbox, uid: unknown): StoredEvent | undefined {
  for (const e of mailbox.events.values()) if (e.data.iCalUId === uid) return e;
  return undefined;
}

/** Puts (or refreshes) the attendee's copy and sends a meeting request to their inbox. */
function invite(
  state: EmulatorState,
  organiser: Mailbox,
  organiserEvent: StoredEvent,
  attendee: Attendee,
  kind: string,
): void {
  const address = attendee.emailAddress.address.toLowerCase();
  if (!address || address === organiser.email) return;
  const mailbox = state.ensureMailbox(address, attendee.emailAddress.name);
  const o = organiserEvent.data;
  let copy = findByICal(mailbox, o.iCalUId);
  const fields: Json = {
    subject: o.subject,
    body: o.body,
    bodyPreview: o.bodyPreview,
    start: o.start,
    end: o.end,
    location: o.location,
    locations: o.locations,
    importance: o.importance,
    isOnlineMeeting: o.isOnlineMeeting,
    onlineMeetingProvider: o.onlineMeetingProvider,
    onlineMeeting: o.onlineMeeting,
    attendees: o.attendees,
    isCancelled: o.isCancelled,
  };
  if (copy) {
    copy.data = {
      ...copy.data,
      ...fields,
      changeKey: changeKey(),
      lastModifiedDateTime: state.clock.now().toISOString(),
    };
    if (kind !== 'informationalUpdate') copy.data.responseStatus = { response: 'notResponded', time: NEVER };
    copy.seq = state.touch(mailbox, { kind: 'event', changeType: 'updated', id: String(copy.data.id) });
  } else {
    const id = itemId();
    copy = {
      seq: 0,
      data: {
        ...o,
        ...fields,
        id,
        transactionId: null,
        changeKey: changeKey(),
        isOrganizer: false,
        showAs: 'tentative',
        responseStatus: { response: 'notResponded', time: NEVER },
      },
    };
    mailbox.events.set(id, copy);
    copy.seq = state.touch(mailbox, { kind: 'event', changeType: 'created', id });
  }
  const required = attendeesOf(o)
    .filter((a) => a.type !== 'optional')
    .map((a) => ({ emailAddress: a.emailAddress }));
  const optional = attendeesOf(o)
    .filter((a) => a.type === 'optional')
    .map((a) => ({ emailAddress: a.emailAddress }));
  createMessage(
    state,
    mailbox,
    {
      '@odata.type': '#microsoft.graph.eventMessageRequest',
      subject: o.subject,
      body: o.body,
      from: recipientOf(organiser),
      sender: recipientOf(organiser),
      toRecipients: required,
      ccRecipients: optional,
      importance: o.importance,
      isRead: false,
      meetingMessageType: 'meetingRequest',
      meetingRequestType: kind,
      startDateTime: o.start,
      endDateTime: o.end,
      location: o.location,
      type: 'singleInstance',
      isAllDay: false,
      isDelegated: false,
      isOutOfDate: false,
      allowNewTimeProposals: o.allowNewTimeProposals,
      responseRequested: o.responseRequested,
      _eventId: copy.data.id,
    },
    { folder: 'inbox' },
  );
}

function cancelFor(
  state: EmulatorState,
  organiser: Mailbox,
  organiserEvent: StoredEvent,
  attendee: Attendee,
  comment?: string,
): void {
  const mailbox = state.find(attendee.emailAddress.address);
  if (!mailbox) return;
  const copy = findByICal(mailbox, organiserEvent.data.iCalUId);
  if (copy) {
    copy.data = {
      ...copy.data,
      isCancelled: true,
      subject: `Canceled: ${String(organiserEvent.data.subject ?? '')}`,
      changeKey: changeKey(),
    };
    copy.seq = state.touch(mailbox, { kind: 'event', changeType: 'updated', id: String(copy.data.id) });
  }
  createMessage(
    state,
    mailbox,
    {
      '@odata.type': '#microsoft.graph.eventMessage',
      subject: `Canceled: ${String(organiserEvent.data.subject ?? '')}`,
      body: { contentType: 'text', content: comment ?? '' },
      from: recipientOf(organiser),
      sender: recipientOf(organiser),
      toRecipients: [{ emailAddress: attendee.emailAddress }],
      importance: 'high',
      isRead: false,
      meetingMessageType: 'meetingCancelled',
      startDateTime: organiserEvent.data.start,
      endDateTime: organiserEvent.data.end,
      type: 'singleInstance',
      ...(copy ? { _eventId: copy.data.id } : {}),
    },
    { folder: 'inbox' },
  );
}

/** PATCH by the organiser: attendees' copies follow; a new time resets their responses. */
export function updateEvent(state: EmulatorState, mailbox: Mailbox, id: string, patch: Json): StoredEvent {
  const stored = getEvent(mailbox, id);
  const before = stored.data;
  const next: Json = { ...before };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'transactionId') continue;
    if (key === 'body') {
      const body = value as ItemBody;
      next.body = {
        contentType: String(body.contentType ?? 'text').toLowerCase() === 'html' ? 'html' : 'text',
        content: body.content ?? '',
      };
      next.bodyPreview = preview(next.body as ItemBody);
    } else if (key === 'attendees') {
      const old = new Map(attendeesOf(before).map((a) => [a.emailAddress.address.toLowerCase(), a]));
      next.attendees = normaliseAttendees(value).map(
        (a) => old.get(a.emailAddress.address.toLowerCase()) ?? a,
      );
    } else next[key] = value;
  }
  const timeChanged = patch.start !== undefined || patch.end !== undefined;
  if (timeChanged) {
    const { start, end } = checkTimes(next.start, next.end);
    next.start = utc(start);
    next.end = utc(end);
    next.attendees = attendeesOf(next).map(({ proposedNewTime: _dropped, ...a }) => ({
      ...a,
      status: { response: 'none', time: NEVER },
    }));
  }
  if (next.isOnlineMeeting === true && !next.onlineMeeting && next.onlineMeetingProvider !== 'unknown') {
    next.onlineMeetingProvider = next.onlineMeetingProvider ?? 'teamsForBusiness';
    next.onlineMeeting = { joinUrl: joinUrl(mailbox) };
  }
  next.changeKey = changeKey();
  next.lastModifiedDateTime = state.clock.now().toISOString();
  stored.data = next;
  stored.seq = state.touch(mailbox, { kind: 'event', changeType: 'updated', id });
  if (before.isOrganizer) {
    const nowAttending = new Set(attendeesOf(next).map((a) => a.emailAddress.address.toLowerCase()));
    for (const a of attendeesOf(before))
      if (!nowAttending.has(a.emailAddress.address.toLowerCase())) cancelFor(state, mailbox, stored, a);
    const meaningful = ['start', 'end', 'subject', 'location', 'body', 'attendees', 'isOnlineMeeting'].some(
      (k) => k in patch,
    );
    if (meaningful)
      for (const a of attendeesOf(next))
        invite(state, mailbox, stored, a, timeChanged ? 'fullUpdate' : 'informationalUpdate');
  }
  return stored;
}

/** DELETE or cancel: the organiser's removal cancels the meeting for every attendee. */
export function deleteEvent(
  state: EmulatorState,
  mailbox: Mailbox,
  id: string,
  options: { comment?: string; cancel?: boolean } = {},
): void {
  const stored = getEvent(mailbox, id);
  if (options.cancel && !stored.data.isOrganizer)
    throw new GraphError(
      400,
      'ErrorAccessDenied',
      "Your request can't be completed. You need to be an organizer to cancel a meeting.",
    );
  if (stored.data.isOrganizer && !stored.data.isCancelled)
    for (const a of attendeesOf(stored.data)) cancelFor(state, mailbox, stored, a, options.comment);
  mailbox.events.delete(id);
  state.touch(mailbox, { kind: 'event', changeType: 'deleted', id });
}

export type ResponseAction = 'accept' | 'tentativelyAccept' | 'decline';

const RESPONSE: Record<
  ResponseAction,
  { response: string; showAs: string; prefix: string; messageType: string }
> = {
  accept: { response: 'accepted', showAs: 'busy', prefix: 'Accepted', messageType: 'meetingAccepted' },
  tentativelyAccept: {
    response: 'tentativelyAccepted',
    showAs: 'tentative',
    prefix: 'Tentative',
    messageType: 'meetingTenativelyAccepted',
  },
  decline: { response: 'declined', showAs: 'free', prefix: 'Declined', messageType: 'meetingDeclined' },
};

/**
 * An attendee accepts, tentatively accepts or declines. A tentative answer or a decline may propose
 * another time (`proposedNewTime`), as Graph documents: only when the organiser allowed new time
 * proposals and the response is sent (400 otherwise). The proposal lands on the organiser's copy
 * (`attendees[].proposedNewTime`) and in the eventMessageResponse ("New Time Proposed: …").
 */
export function respondToEvent(
  state: EmulatorState,
  attendeeMailbox: Mailbox,
  id: string,
  action: ResponseAction,
  options: { comment?: string; sendResponse?: boolean; proposedNewTime?: TimeSlot } = {},
): void {
  const stored = getEvent(attendeeMailbox, id);
  const proposal = options.proposedNewTime;
  if (proposal) {
    if (action === 'accept')
      throw badRequest("The parameter 'proposedNewTime' is not valid for accept.", 'ErrorInvalidRequest');
    if (stored.data.allowNewTimeProposals !== true)
      throw badRequest(
        "Your request can't be completed. The organizer doesn't allow new time proposals for this meeting.",
        'ErrorProposeNewTimeNotAllowed',
      );
    if (options.sendResponse === false)
      throw badRequest(
        "Your request can't be completed. A new time can only be proposed when a response is sent.",
        'ErrorInvalidRequest',
      );
  }
  const proposed = proposal ? checkTimes(proposal.start, proposal.end) : undefined;
  if (stored.data.isOrganizer)
    throw new GraphError(
      400,
      'ErrorInvalidRequest',
      "Your request can't be completed. You can't respond to a meeting you organized.",
    );
  if (stored.data.isCancelled)
    throw new GraphError(
      400,
      'ErrorInvalidRequest',
      "Your request can't be completed. The meeting has been canceled.",
    );
  const r = RESPONSE[action];
  const now = state.clock.now().toISOString();
  stored.data = {
    ...stored.data,
    responseStatus: { response: r.response, time: now },
    showAs: r.showAs,
    changeKey: changeKey(),
  };
  stored.seq = state.touch(attendeeMailbox, { kind: 'event', changeType: 'updated', id });
  const organiserAddress = (stored.data.organizer as Recipient | undefined)?.emailAddress.address;
  const organiser = organiserAddress ? state.find(organiserAddress) : undefined;
  const organiserEvent = organiser ? findByICal(organiser, stored.data.iCalUId) : undefined;
  if (!organiser || !organiserEvent) return;
  organiserEvent.data = {
    ...organiserEvent.data,
    attendees: attendeesOf(organiserEvent.data).map(({ proposedNewTime: before, ...a }) =>
      a.emailAddress.address.toLowerCase() === attendeeMailbox.email
        ? {
            ...a,
            status: { response: r.response, time: now },
            ...(proposed ? { proposedNewTime: { start: utc(proposed.start), end: utc(proposed.end) } } : {}),
          }
        : { ...a, ...(before ? { proposedNewTime: before } : {}) },
    ),
    changeKey: changeKey(),
  };
  organiserEvent.seq = state.touch(organiser, {
    kind: 'event',
    changeType: 'updated',
    id: String(organiserEvent.data.id),
  });
  if (options.sendResponse === false) return;
  createMessage(
    state,
    organiser,
    {
      '@odata.type': '#microsoft.graph.eventMessageResponse',
      subject: `${proposed ? 'New Time Proposed' : r.prefix}: ${String(stored.data.subject ?? '')}`,
      body: { contentType: 'text', content: options.comment ?? '' },
      from: recipientOf(attendeeMailbox),
      sender: recipientOf(attendeeMailbox),
      toRecipients: [recipientOf(organiser)],
      isRead: false,
      meetingMessageType: r.messageType,
      responseType: r.response,
      startDateTime: organiserEvent.data.start,
      endDateTime: organiserEvent.data.end,
      ...(proposed ? { proposedNewTime: { start: utc(proposed.start), end: utc(proposed.end) } } : {}),
      type: 'singleInstance',
      _eventId: organiserEvent.data.id,
    },
    { folder: 'inbox' },
  );
}

/** The Graph JSON of an event, with times in the preferred zone. */
export function renderEvent(
  stored: StoredEvent,
  options: { select?: readonly string[]; prefer?: string } = {},
): Json {
  const d = stored.data;
  const tz = preferredTimeZone(options.prefer);
  const out: Json = { '@odata.etag': `W/"${String(d.changeKey)}"` };
  for (const [key, value] of Object.entries(d))
    if (!key.startsWith('_') && !key.startsWith('@')) out[key] = value;
  out.start = fromInstant(instant(d.start), tz);
  out.end = fromInstant(instant(d.end), tz);
  out.attendees = attendeesOf(d).map((a) =>
    a.proposedNewTime
      ? {
          ...a,
          proposedNewTime: {
            start: fromInstant(instant(a.proposedNewTime.start), tz),
            end: fromInstant(instant(a.proposedNewTime.end), tz),
          },
        }
      : a,
  );
  out.body = renderBody(d.body as ItemBody, options.prefer);
  return applySelect(out, options.select);
}

/** Events overlapping [start, end), for calendarView and free/busy. */
export function eventsBetween(mailbox: Mailbox, start: Date, end: Date): StoredEvent[] {
  return [...mailbox.events.values()]
    .filter((e) => instant(e.data.start) < end && instant(e.data.end) > start)
    .sort((a, b) => instant(a.data.start).getTime() - instant(b.data.start).getTime());
}

const STATUS_DIGIT: Record<string, number> = { free: 0, tentative: 1, busy: 2, oof: 3, workingElsewhere: 4 };
const STATUS_RANK: Record<string, number> = { free: 0, workingElsewhere: 1, tentative: 2, busy: 3, oof: 4 };

/** getSchedule for one mailbox: busy items, the availability view, and working hours. */
export function scheduleFor(
  mailbox: Mailbox,
  start: Date,
  end: Date,
  intervalMinutes: number,
  timeZone: string,
): Json {
  type Item = { status: string; start: Date; end: Date; subject: string; location: string };
  const items: Item[] = [];
  for (const e of eventsBetween(mailbox, start, end)) {
    const status = String(e.data.showAs ?? 'busy');
    if (e.data.isCancelled || status === 'free' || status === 'unknown') continue;
    items.push({
      status,
      start: instant(e.data.start),
      end: instant(e.data.end),
      subject: String(e.data.subject ?? ''),
      location: String((e.data.location as { displayName?: string } | undefined)?.displayName ?? ''),
    });
  }
  for (const b of mailbox.busy as BusyBlock[]) {
    const s = new Date(b.start);
    const en = new Date(b.end);
    if (s < end && en > start)
      items.push({ status: b.status, start: s, end: en, subject: b.subject ?? '', location: '' });
  }
  items.sort((a, b) => a.start.getTime() - b.start.getTime());
  let view = '';
  for (let t = start.getTime(); t < end.getTime(); t += intervalMinutes * 60_000) {
    const slotEnd = Math.min(t + intervalMinutes * 60_000, end.getTime());
    let best = 'free';
    for (const item of items)
      if (
        item.start.getTime() < slotEnd &&
        item.end.getTime() > t &&
        (STATUS_RANK[item.status] ?? 0) > (STATUS_RANK[best] ?? 0)
      )
        best = item.status;
    view += String(STATUS_DIGIT[best] ?? 0);
  }
  const wh = mailbox.workingHours;
  return {
    scheduleId: mailbox.email,
    availabilityView: view,
    scheduleItems: items.map((i) => ({
      isPrivate: false,
      status: i.status,
      subject: i.subject,
      location: i.location,
      isMeeting: true,
      isRecurring: false,
      isException: false,
      isReminderSet: false,
      start: fromInstant(i.start, timeZone),
      end: fromInstant(i.end, timeZone),
    })),
    workingHours: {
      daysOfWeek: wh.daysOfWeek,
      startTime: `${wh.startTime}:00.0000000`,
      endTime: `${wh.endTime}:00.0000000`,
      timeZone: { name: toWindows(wh.timeZone) },
    },
  };
}
