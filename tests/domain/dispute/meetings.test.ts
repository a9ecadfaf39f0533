/**
 * What a stage's meeting asks the shell for, and how answers move it: the invitation's case context
 * and form, a time proposed by an attendee (Graph's proposedNewTime), and a convener in another
 * tenant whose own answer counts (they are invited to the meeting Concord organises for them).
 */
import { describe, expect, it } from 'vitest';
import { getProcedure } from '../../../src/procedures/index.ts';
import type { Walk } from './fixtures.ts';
import { raise, step } from './walker.ts';

function toBooking(procedureId: string, stageId: string): Walk {
  const procedure = getProcedure(procedureId);
  if (!procedure) throw new Error(`no procedure ${procedureId}`);
  const w = raise(procedure);
  for (let i = 0; i < 60 && !(w.s.stage.id === stageId && w.s.stage.phase === 'booking'); i++) step(w, false);
  if (w.s.stage.id !== stageId) throw new Error(`never reached ${stageId}`);
  return w;
}
const lastBooking = (w: Walk) => {
  const book = [...w.effects].reverse().find((e) => e.type === 'book-meeting');
  if (book?.type !== 'book-meeting') throw new Error('no booking');
  return book;
};

describe('the book-meeting effect', () => {
  it('carries the case as the emails do, what the procedure asks, and how the meeting may be held', () => {
    const w = toBooking('ane', 'stage-3');
    const book = lastBooking(w);
    const ane = getProcedure('ane');
    expect(book.context).toEqual({
      procedureName: ane?.name,
      subject: 'child',
      appliesTo: 'children',
      meetingQuote: expect.stringContaining('will convene a meeting (Virtual or in-person)'),
      category: ane?.categories[0]?.label,
      issue: 'The agreed plan for life-story work has not been acted upon.',
      resolutionSought: 'Life-story work started within two weeks.',
    });
    expect(book.form).toEqual({ online: true, inPerson: true, quote: 'Virtual or in-person' });
    expect(book.window.end).toBe(w.s.stage.due);
  });

  it('a procedure that says nothing of the form books a Teams meeting', () => {
    const book = lastBooking(toBooking('solihull-ssab', 'stage-4'));
    expect(book.form).toEqual({ online: true, inPerson: false, quote: null });
  });
});

describe('times proposed by attendees', () => {
  it('a required attendee declining with a time inside the window has it tried first', () => {
    const w = toBooking('ane', 'stage-3');
    const book = lastBooking(w);
    const attendee = book.attendees.find((a) => a.external && a.required);
    if (!attendee) throw new Error('no external attendee');
    w.booked();
    const eventId = w.s.stage.meeting?.eventId ?? '';
    const start = w.s.stage.meeting?.start ?? '';
    const proposed = new Date(Date.parse(start) + 86_400_000).toISOString();
    w.send({
      type: 'meeting-response',
      eventId,
      attendeeEmail: attendee.person.email,
      response: 'declined',
      proposedNewTime: { start: proposed, end: new Date(Date.parse(proposed) + 3_600_000).toISOString() },
    });
    const rebook = lastBooking(w);
    expect(rebook.proposedStarts).toEqual([proposed]);
    expect(rebook.avoidStarts).toEqual([start]);
    expect(rebook.replaces).toBe(eventId);
  });

  it('a proposal after the deadline is not used', () => {
    const w = toBooking('ane', 'stage-3');
    const attendee = lastBooking(w).attendees.find((a) => a.external && a.required);
    w.booked();
    const late = new Date(Date.parse(w.s.stage.due ?? '') + 86_400_000).toISOString();
    w.send({
      type: 'meeting-response',
      eventId: w.s.stage.meeting?.eventId ?? '',
      attendeeEmail: attendee?.person.email ?? '',
      response: 'declined',
      proposedNewTime: { start: late, end: new Date(Date.parse(late) + 3_600_000).toISOString() },
    });
    expect(lastBooking(w).proposedStarts).toBeUndefined();
  });

  it('a tentative answer with a time offers it to the convener first, without re-booking', () => {
    const w = toBooking('ane', 'stage-3');
    const attendee = lastBooking(w).attendees.find((a) => a.external);
    w.booked();
    const bookings = w.effects.filter((e) => e.type === 'book-meeting').length;
    const start = w.s.stage.meeting?.start ?? '';
    const proposed = new Date(Date.parse(start) + 2 * 86_400_000).toISOString();
    w.send({
      type: 'meeting-response',
      eventId: w.s.stage.meeting?.eventId ?? '',
      attendeeEmail: attendee?.person.email ?? '',
      response: 'tentativelyAccepted',
      proposedNewTime: { start: proposed, end: new Date(Date.parse(proposed) + 3_600_000).toISOString() },
    });
    expect(w.s.stage.meeting?.alternatives?.[0]).toBe(proposed);
    expect(w.s.stage.meeting?.proposals).toEqual([
      expect.objectContaining({ email: attendee?.person.email, start: proposed }),
    ]);
    expect(w.effects.filter((e) => e.type === 'book-meeting')).toHaveLength(bookings);
    // The convener may now move the meeting to it.
    const convener = w.s.stage.meeting?.convener;
    if (!convener) throw new Error('no convener');
    w.send({ type: 'meeting-move', by: convener, start: proposed });
    expect(lastBooking(w).preferredStart).toBe(proposed);
  });
});

describe('a convener organised for on a host calendar', () => {
  it('their decline re-books the meeting; their acceptance is kept', () => {
    const w = toBooking('solihull-ssab', 'stage-4');
    w.booked();
    const convener = w.s.stage.meeting?.convener;
    if (!convener) throw new Error('no convener');
    expect(w.s.stage.meeting?.attendees.some((a) => a.person.id === convener.id)).toBe(false);
    w.send({
      type: 'meeting-response',
      eventId: w.s.stage.meeting?.eventId ?? '',
      attendeeEmail: convener.email,
      response: 'accepted',
    });
    expect(w.s.stage.meeting?.convenerResponse).toBe('accepted');
    w.send({
      type: 'meeting-response',
      eventId: w.s.stage.meeting?.eventId ?? '',
      attendeeEmail: convener.email,
      response: 'declined',
    });
    expect(w.s.stage.phase).toBe('booking');
    expect(lastBooking(w).replaces).toBeDefined();
  });
});

describe('a Teams meeting booked without a join link', () => {
  const meetingCards = (w: Walk) =>
    w.effects.flatMap((e) =>
      e.type === 'send-card' && e.intent.kind === 'meeting' ? [{ to: e.to, intent: e.intent }] : [],
    );

  it('tells the convener on their meeting card, and a re-booking that gets a link clears it', () => {
    const w = toBooking('ane', 'stage-3');
    const book = lastBooking(w);
    const start = new Date(Date.parse(book.window.start) + 86_400_000).toISOString();
    w.send({
      type: 'meeting-booked',
      effectKey: book.key,
      eventId: 'event-no-link',
      start,
      end: new Date(Date.parse(start) + 3_600_000).toISOString(),
      onlineLinkMissing: true,
    });
    const card = meetingCards(w).at(-1);
    expect(card?.to.id).toBe(book.convener.id);
    expect(card?.intent).toMatchObject({ joinUrl: null, onlineLinkMissing: true });

    const attendee = book.attendees.find((a) => a.external && a.required);
    w.send({
      type: 'meeting-response',
      eventId: 'event-no-link',
      attendeeEmail: attendee?.person.email ?? '',
      response: 'declined',
    });
    w.booked();
    expect(meetingCards(w).at(-1)?.intent).toMatchObject({
      joinUrl: 'https://teams.example/join/1',
      onlineLinkMissing: false,
    });
  });
});
