/**
 * Issue 10, Solihull Stage 4: the mediation meeting is convened by the Chair of the SSAB Policies and
 * Procedures Sub-Committee, whose mailbox is in another tenant. Graph answers 404 for a calendar
 * outside the app's tenant (the emulator too), so Concord organises the meeting from the host-side
 * calendar of the board's Business Team (the SSAB's shared mailbox in directory/sample-solihull.json)
 * with the chair invited as a required attendee. It never parks; the chair's answer is tracked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, bundledCalendar } from '../../src/domain/calendar/index.ts';
import { createGraphEffectPerformer } from '../../src/graph/graph-performer.ts';
import { transactionIdFor } from '../../src/graph/ids.ts';
import { createMeetingBooker } from '../../src/graph/meetings.ts';
import { createMemoryMeetingIndex, createMemoryMessageIndex } from '../../src/graph/memory-ports.ts';
import { silentLogger } from '../../src/log/index.ts';
import type { BookMeeting } from '../graph/effects.ts';
import { type GraphWorld, startGraphWorld } from '../graph/world.ts';

interface AdminEvent {
  id: string;
  iCalUId: string;
  subject: string;
  isOrganizer: boolean;
  isCancelled?: boolean;
  transactionId?: string | null;
  organizer?: { emailAddress: { address: string } };
  attendees: { emailAddress: { address: string }; type: string }[];
}

const BUSINESS_TEAM = 'business.team@ssab.solihull.example';
const CHAIR = 'sub.committee.chair@solihull-police.example';
let w: GraphWorld;

beforeAll(async () => {
  w = await startGraphWorld({ directory: 'directory/sample-solihull.json' });
}, 30_000);
afterAll(async () => {
  await w?.close();
});

function stage4(disputeId: string, n: number): BookMeeting {
  const now = new Date();
  const ew = bundledCalendar('england-and-wales');
  return {
    type: 'book-meeting',
    key: `${disputeId}:stage-4:book:${n}`,
    convener: w.person('solihull-police-sub-committee-chair'),
    attendees: [
      { person: w.person('solihull-adults-director'), required: true, external: false },
      { person: w.person('solihull-health-director'), required: true, external: true },
    ],
    window: {
      start: now.toISOString(),
      end: addWorkingDays({ calendar: ew, from: now, workingDays: 10 }).due.toISOString(),
    },
    durationMinutes: 60,
    title: { procedureShortName: 'SSAB', caseReference: 'SSAB-2026-0004', stageName: 'Stage 4' },
    agenda: ['Mediation between the organisations'],
    context: {
      procedureName: 'Solihull Safeguarding Adults Board Resolving Professional Differences',
      meetingQuote:
        'referring the matter to the Chair of the SSAB Policies and Procedures Sub-Committee to offer mediation',
      category: 'Disagreement about a safeguarding decision',
      issue: 'The agencies disagree about whether a section 42 enquiry is needed.',
      resolutionSought: 'An agreed decision on the enquiry.',
    },
    avoidStarts: [],
  };
}

const eventsOf = async (address: string) =>
  (await w.h.admin<{ value: AdminEvent[] }>('GET', `/mailboxes/${address}/events`)).value.filter(
    (e) => !e.isCancelled,
  );

describe('a convener in another tenant', () => {
  const disputeId = 'd-solihull-4';
  let eventId = '';

  it('is invited to a meeting organised from the Business Team’s calendar; nothing parks', async () => {
    const effect = stage4(disputeId, 1);
    const result = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
    expect(result.ok).toBe(true);
    const booked = result.ok ? result.events?.[0] : undefined;
    expect(booked?.type).toBe('meeting-booked');
    eventId = (booked as { eventId: string }).eventId;

    const onBoard = await eventsOf(BUSINESS_TEAM);
    expect(onBoard.map((e) => e.id)).toEqual([eventId]);
    const event = onBoard[0] as AdminEvent;
    expect(event.isOrganizer).toBe(true);
    expect(event.transactionId).toBe(transactionIdFor(effect.key));
    expect(event.attendees.map((a) => [a.emailAddress.address, a.type]).sort()).toEqual(
      [
        [CHAIR, 'required'],
        ['director@adults.solihull.example', 'required'],
        ['director@solihull-health.example', 'required'],
      ].sort(),
    );
    // The chair receives the invitation like any attendee, saying whose meeting it is.
    const invitation = (
      await w.h.admin<{ value: { subject: string; '@odata.type': string; text: string }[] }>(
        'GET',
        `/mailboxes/${CHAIR}/messages?folder=inbox`,
      )
    ).value.find((m) => m['@odata.type'] === '#microsoft.graph.eventMessageRequest');
    expect(invitation?.subject).toBe('SSAB dispute SSAB-2026-0004: Stage 4 meeting');
    const chair = w.person('solihull-police-sub-committee-chair');
    expect(invitation?.text).toContain(
      `Booked by Concord on behalf of ${chair.name}, who convenes the meeting.`,
    );
    expect(invitation?.text).toContain('to offer mediation');
  });

  it('performing it again returns the same event', async () => {
    const effect = stage4(disputeId, 1);
    const again = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 2 });
    expect(again.ok && again.events?.[0]).toMatchObject({ type: 'meeting-booked', eventId });
    expect(await eventsOf(BUSINESS_TEAM)).toHaveLength(1);
  });

  it('the chair’s answer comes back from the Business Team’s calendar', async () => {
    const copy = (await eventsOf(CHAIR)).find((e) => e.subject.includes('Stage 4'));
    expect(copy).toBeDefined();
    await w.h.admin('POST', `/mailboxes/${CHAIR}/events/${encodeURIComponent(copy?.id ?? '')}/respond`, {
      response: 'accept',
    });
    await w.meetings.poll();
    expect(
      w.fed.find((f) => f.event.type === 'meeting-response' && f.disputeId === disputeId)?.event,
    ).toEqual({
      type: 'meeting-response',
      eventId,
      attendeeEmail: CHAIR,
      response: 'accepted',
    });
  });

  it('cancel-meeting cancels it on the Business Team’s calendar', async () => {
    const cancel = {
      type: 'cancel-meeting' as const,
      key: `${disputeId}:cancel`,
      convener: w.person('solihull-police-sub-committee-chair'),
      eventId,
    };
    expect(await w.performer.perform(cancel, { key: cancel.key, disputeId, attempt: 1 })).toMatchObject({
      ok: true,
      result: { outcome: 'cancelled' },
    });
    expect(await eventsOf(BUSINESS_TEAM)).toHaveLength(0);
  });

  it('booking on the chair’s own calendar is what Graph refuses: 404, which would park the dispute', async () => {
    // The old way, without the directory's view of tenants: the emulator answers as Graph does.
    const booker = createMeetingBooker({
      calendar: w.calendar,
      index: createMemoryMeetingIndex(),
      workingHours: (org) => w.directory.workingHours(org),
      workingCalendar: (org) => w.directory.calendar(org),
      now: () => new Date(),
      log: silentLogger(),
    });
    const performer = createGraphEffectPerformer({
      mail: w.mail,
      meetings: booker,
      index: createMemoryMessageIndex(),
      log: silentLogger(),
    });
    const effect = stage4('d-solihull-old', 1);
    const result = await performer.perform(effect, {
      key: effect.key,
      disputeId: 'd-solihull-old',
      attempt: 1,
    });
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.ok ? '' : result.error).toMatch(/404|invalid/i);
  });
});
