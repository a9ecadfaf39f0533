/**
 * Stage 3 meetings against the local Microsoft 365: booked within 5 working days around internal
 * free/busy, as a Teams meeting with high importance; idempotent by transactionId / effect key; a
 * decline tracked by event notification; re-booked at another slot with the old event cancelled;
 * unbookable when no slot fits; meeting-held after the end (polling).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  addWorkingDays,
  bundledCalendar,
  endOfLondonDay,
  isWorkingDay,
  londonDay,
} from '../../src/domain/calendar/index.ts';
import { londonTime } from '../../src/email/dates.ts';
import { transactionIdFor } from '../../src/graph/ids.ts';
import type { BookMeeting } from '../graph/effects.ts';
import { type GraphWorld, startGraphWorld } from '../graph/world.ts';

interface AdminEvent {
  id: string;
  subject: string;
  importance: string;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string;
  onlineMeeting?: { joinUrl?: string } | null;
  transactionId?: string | null;
  isCancelled?: boolean;
  start: { dateTime: string; timeZone: string };
  attendees: { emailAddress: { address: string }; type: string; status?: { response: string } }[];
  body?: { content: string };
}

let w: GraphWorld;
const ew = bundledCalendar('england-and-wales', ['2026-12-29', '2026-12-30', '2026-12-31']);
const window = () => {
  const start = new Date();
  return {
    start: start.toISOString(),
    end: addWorkingDays({ calendar: ew, from: start, workingDays: 5 }).due.toISOString(),
  };
};

beforeAll(async () => {
  w = await startGraphWorld();
}, 30_000);
afterAll(async () => {
  await w?.close();
});

function stage3(disputeId: string, n: number, extra: Partial<BookMeeting> = {}): BookMeeting {
  const external = (id: string) => ({ person: w.person(id), required: true, external: true });
  const internal = (id: string) => ({ person: w.person(id), required: true, external: false });
  return {
    type: 'book-meeting',
    key: `${disputeId}:stage-3:book:${n}`,
    convener: w.person('ane-assistant-director'),
    attendees: [
      internal('ane-team-manager'),
      internal('ane-service-manager'),
      external('gateshead-team-manager'),
      external('gateshead-service-manager'),
      external('gateshead-head-of-service'),
    ],
    window: window(),
    durationMinutes: 60,
    subject: 'ANE dispute ANE-2026-0042: Stage 3 meeting',
    agenda: ['Introductions', 'The disagreement <b>in brief</b>', '  Funding', 'Agreed SMART actions'],
    avoidStarts: [],
    ...extra,
  };
}

const eventsOf = async (address: string) =>
  (await w.h.admin<{ value: AdminEvent[] }>('GET', `/mailboxes/${address}/events`)).value;

describe('Stage 3 meeting', () => {
  const disputeId = 'd-meet-1';
  let booked: { eventId: string; start: string; end: string; joinUrl?: string };

  it('is booked within 5 working days, in working hours, around internal busy time', async () => {
    const effect = stage3(disputeId, 1);
    // The team manager is busy from the moment the window opens to the end of the next working day
    // (so neither today's remaining hours nor tomorrow can be offered, whatever time the test runs).
    let day = addCalendarDays(londonDay(new Date(effect.window.start)), 1);
    while (!isWorkingDay(ew, day)) day = addCalendarDays(day, 1);
    const firstDay = { dueDate: day, due: endOfLondonDay(day) };
    await w.h.admin('POST', '/mailboxes/team.manager@ane.example/busy', {
      start: effect.window.start,
      end: firstDay.due.toISOString(),
    });

    const result = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const event = result.events?.[0];
    expect(event?.type).toBe('meeting-booked');
    booked = event as typeof booked;
    expect(booked.start >= effect.window.start && booked.end <= effect.window.end).toBe(true);
    expect(booked.start > firstDay.due.toISOString()).toBe(true);
    expect(isWorkingDay(ew, londonDay(new Date(booked.start)))).toBe(true);
    expect(londonTime(booked.start) >= '09:00' && londonTime(booked.end) <= '17:00').toBe(true);
    expect(booked.joinUrl).toBeTruthy();
    expect((result.result as { alternatives: unknown[] }).alternatives.length).toBeGreaterThan(0);

    const onCalendar = (await eventsOf('head.of.service@ane.example')).filter((e) => !e.isCancelled);
    expect(onCalendar).toHaveLength(1);
    const e = onCalendar[0] as AdminEvent;
    expect(e).toMatchObject({
      importance: 'high',
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      transactionId: transactionIdFor(effect.key),
    });
    expect(e.attendees.map((a) => a.emailAddress.address).sort()).toEqual(
      [
        'team.manager@ane.example',
        'service.manager@ane.example',
        'team.manager@gateshead.example',
        'service.manager@gateshead.example',
        'head.of.service@gateshead.example',
      ].sort(),
    );
    expect(e.body?.content).toContain('&lt;b&gt;in brief&lt;/b&gt;');
  });

  it('performing the same effect again returns the same event', async () => {
    const effect = stage3(disputeId, 1);
    const again = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 2 });
    expect(again.ok && again.events?.[0]).toMatchObject({ type: 'meeting-booked', eventId: booked.eventId });
    expect((await eventsOf('head.of.service@ane.example')).filter((e) => !e.isCancelled)).toHaveLength(1);
  });

  it('a decline is tracked through the event notification', async () => {
    const theirs = (await eventsOf('team.manager@gateshead.example')).find((e) =>
      e.subject.includes('Stage 3'),
    );
    expect(theirs).toBeDefined();
    await w.h.admin(
      'POST',
      `/mailboxes/team.manager@gateshead.example/events/${encodeURIComponent(theirs?.id ?? '')}/respond`,
      {
        response: 'decline',
        comment: 'On leave',
      },
    );
    const fed = await w.waitFor((f) => f.event.type === 'meeting-response' && f.disputeId === disputeId);
    expect(fed.source).toBe('calendar');
    expect(fed.event).toEqual({
      type: 'meeting-response',
      eventId: booked.eventId,
      attendeeEmail: 'team.manager@gateshead.example',
      response: 'declined',
    });
  });

  it('re-booking cancels the old event and avoids the declined start', async () => {
    const effect = stage3(disputeId, 2, { replaces: booked.eventId, avoidStarts: [booked.start] });
    const result = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
    expect(result.ok).toBe(true);
    const rebooked = (result.ok ? result.events?.[0] : undefined) as typeof booked;
    expect(rebooked.eventId).not.toBe(booked.eventId);
    expect(rebooked.start).not.toBe(booked.start);
    expect(rebooked.end <= effect.window.end).toBe(true);
    const live = (await eventsOf('head.of.service@ane.example')).filter((e) => !e.isCancelled);
    expect(live.map((e) => e.id)).toEqual([rebooked.eventId]);
    // Retrying the re-booking (old event already cancelled) changes nothing.
    const retry = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 2 });
    expect(retry.ok && retry.events?.[0]).toMatchObject({ eventId: rebooked.eventId });
    expect((await eventsOf('head.of.service@ane.example')).filter((e) => !e.isCancelled)).toHaveLength(1);
    booked = rebooked;
  });

  it('the convener’s preferred start books that slot', async () => {
    const alternatives = await w.booker.proposeSlots(stage3(disputeId, 3));
    const pick = alternatives[2];
    if (!pick) throw new Error('no alternatives');
    const effect = stage3(disputeId, 3, { replaces: booked.eventId, preferredStart: pick.start });
    const result = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
    expect(result.ok && result.events?.[0]).toMatchObject({
      type: 'meeting-booked',
      start: pick.start,
      end: pick.end,
    });
    booked = (result.ok ? result.events?.[0] : undefined) as typeof booked;
  });

  it('meeting-held is fed once the end has passed (polling fallback)', async () => {
    w.clock.offsetMs = Date.parse(booked.end) - Date.now() + 60_000;
    try {
      await w.meetings.poll();
      expect(w.fed.find((f) => f.event.type === 'meeting-held')?.event).toEqual({
        type: 'meeting-held',
        eventId: booked.eventId,
      });
    } finally {
      w.clock.offsetMs = 0;
    }
  });

  it('cancel-meeting cancels, and again is a no-op', async () => {
    const effect = stage3('d-meet-2', 1);
    const made = await w.performer.perform(effect, { key: effect.key, disputeId: 'd-meet-2', attempt: 1 });
    const eventId = (made.ok ? made.events?.[0] : undefined) as { eventId: string };
    const cancel = {
      type: 'cancel-meeting' as const,
      key: 'd-meet-2:cancel',
      convener: effect.convener,
      eventId: eventId.eventId,
    };
    expect(
      await w.performer.perform(cancel, { key: cancel.key, disputeId: 'd-meet-2', attempt: 1 }),
    ).toMatchObject({
      ok: true,
      result: { outcome: 'cancelled' },
    });
    expect(
      await w.performer.perform(cancel, { key: cancel.key, disputeId: 'd-meet-2', attempt: 2 }),
    ).toMatchObject({
      ok: true,
      result: { outcome: 'already-gone' },
    });
  });

  it('a procedure that asks to meet in person gets no Teams meeting: the location and invitation say so', async () => {
    const effect = stage3('d-meet-in-person', 1, {
      form: { online: false, inPerson: true, quote: 'face to face' },
    });
    const result = await w.performer.perform(effect, {
      key: effect.key,
      disputeId: 'd-meet-in-person',
      attempt: 1,
    });
    const booked = (result.ok ? result.events?.[0] : undefined) as { eventId: string; joinUrl?: string };
    expect(booked.joinUrl).toBeUndefined();
    const event = (await eventsOf('head.of.service@ane.example')).find(
      (e) => e.id === booked.eventId,
    ) as AdminEvent & {
      location?: { displayName?: string };
    };
    expect(event.isOnlineMeeting).toBe(false);
    expect(event.onlineMeeting ?? null).toBeNull();
    expect(event.location?.displayName).toBe('In person: venue to be confirmed by the convener');
    expect(event.body?.content).toContain('This meeting is held in person');
    expect(event.body?.content).toContain('face to face');
    expect(event.body?.content).not.toContain('Microsoft Teams meeting');
  });

  it('an organiser with no Teams: Graph books it without a join link, and Concord says so rather than pretend', async () => {
    await w.h.admin('PUT', '/faults', { mailboxes: { 'head.of.service@ane.example': 'no-teams' } });
    try {
      const effect = stage3('d-meet-no-teams', 1);
      const result = await w.performer.perform(effect, {
        key: effect.key,
        disputeId: 'd-meet-no-teams',
        attempt: 1,
      });
      const booked = (result.ok ? result.events?.[0] : undefined) as {
        type: string;
        eventId: string;
        joinUrl?: string;
        onlineLinkMissing?: boolean;
      };
      expect(booked.type).toBe('meeting-booked');
      expect(booked.joinUrl).toBeUndefined();
      expect(booked.onlineLinkMissing).toBe(true);
      const event = (await eventsOf('head.of.service@ane.example')).find((e) => e.id === booked.eventId);
      expect(event?.isOnlineMeeting).toBe(false);
      expect(event?.onlineMeeting ?? null).toBeNull();

      // Meeting in person was asked for: no Teams link is missing.
      const inPerson = stage3('d-meet-no-teams-in-person', 1, {
        form: { online: false, inPerson: true, quote: 'face to face' },
      });
      const second = await w.performer.perform(inPerson, {
        key: inPerson.key,
        disputeId: 'd-meet-no-teams-in-person',
        attempt: 1,
      });
      expect(second.ok && second.events?.[0]).not.toHaveProperty('onlineLinkMissing');
    } finally {
      await w.h.admin('PUT', '/faults', { mailboxes: {} });
    }
  });

  it('a first attempt books without looking for an event tagged with its key; a retry looks first and books nothing more', async () => {
    const effect = stage3('d-meet-first-attempt', 1);
    const from = w.h.m365.state.requests.length;
    const lookups = () =>
      w.h.m365.state.requests
        .slice(from)
        .filter(
          (r) =>
            r.method === 'GET' &&
            /\/events$/.test(r.path) &&
            r.query.includes('singleValueExtendedProperties'),
        ).length;
    const first = await w.performer.perform(effect, {
      key: effect.key,
      disputeId: 'd-meet-first-attempt',
      attempt: 1,
    });
    expect(first.ok).toBe(true);
    expect(lookups()).toBe(0);
    const again = await w.performer.perform(effect, {
      key: effect.key,
      disputeId: 'd-meet-first-attempt',
      attempt: 2,
    });
    expect(lookups()).toBe(1);
    const eventIdOf = (r: typeof first) =>
      r.ok ? ((r.events?.[0] as { eventId?: string } | undefined)?.eventId ?? '') : '';
    expect(eventIdOf(again)).toBe(eventIdOf(first));
    const mine = (await eventsOf('head.of.service@ane.example')).filter(
      (e) => e.transactionId === transactionIdFor(effect.key),
    );
    expect(mine).toHaveLength(1);
  });

  it('no viable slot gives meeting-unbookable', async () => {
    const effect = stage3('d-meet-3', 1);
    await w.h.admin('POST', '/mailboxes/service.manager@ane.example/busy', {
      start: effect.window.start,
      end: effect.window.end,
    });
    const result = await w.performer.perform(effect, { key: effect.key, disputeId: 'd-meet-3', attempt: 1 });
    expect(result.ok && result.events?.[0]).toMatchObject({
      type: 'meeting-unbookable',
      effectKey: effect.key,
    });
    await w.h.admin('DELETE', '/mailboxes/service.manager@ane.example/busy');
  });
});
