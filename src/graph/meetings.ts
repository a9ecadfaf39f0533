/**
 * Booking dispute meetings (the book-meeting and cancel-meeting effects).
 *
 * book:
 * 1. `replaces` set (re-booking): cancel the old event first; already cancelled or gone counts as done.
 * 2. An event already tagged with this effect key (a retry) is returned as it is.
 * 3. Free/busy (`getSchedule`, one call) of the convener and the internal attendees over the window.
 * 4. `findSlots` (pure, src/domain/meeting): working hours and working days of the convener's
 *    organisation, the window ending at the step's deadline, declined starts avoided, `noticeMinutes`
 *    of notice. External attendees' availability is unknown and not consulted.
 * 5. The chosen slot (the convener's `preferredStart`, else the earliest) goes on the convener's
 *    calendar as a Teams meeting with high importance, the agenda in the body (escaped) and
 *    `transactionId` derived from the effect key, so a retried POST returns the same event.
 * No viable slot → `{ kind: 'unbookable' }`; the runtime feeds `meeting-unbookable`.
 * The other viable slots come back as `alternatives`, for the card's "move" choice.
 */

import type { WorkingCalendar } from '../domain/calendar/index.ts';
import type { Effect, PersonRef } from '../domain/dispute/types.ts';
import { findSlots, type Interval, type Slot, type WorkingHours } from '../domain/meeting/slots.ts';
import { instantDateInWords, londonTime } from '../email/dates.ts';
import { escapeHtml } from '../email/escape.ts';
import { meetingSubject } from '../email/wording.ts';
import type { Logger } from '../log/index.ts';
import type { CalendarEvent, GraphCalendar } from './calendar.ts';
import { transactionIdFor } from './ids.ts';
import type { MeetingIndex } from './ports.ts';

export type BookMeetingEffect = Extract<Effect, { type: 'book-meeting' }>;
export type CancelMeetingEffect = Extract<Effect, { type: 'cancel-meeting' }>;

export type BookingResult =
  | {
      readonly kind: 'booked';
      readonly eventId: string;
      readonly start: string;
      readonly end: string;
      readonly joinUrl?: string;
      /** Other viable slots, earliest first (at most 10), for "move". */
      readonly alternatives: readonly Slot[];
      readonly alreadyBooked: boolean;
    }
  | { readonly kind: 'unbookable'; readonly reason: string };

export interface MeetingBookerOptions {
  readonly calendar: GraphCalendar;
  readonly index: MeetingIndex;
  /** The convener's organisation's working hours and working-day calendar (directory service). */
  readonly workingHours: (organisationId: string) => WorkingHours;
  readonly workingCalendar: (organisationId: string) => WorkingCalendar;
  readonly now: () => Date;
  readonly log: Logger;
  /** Minimum notice before a meeting starts. Default 60 minutes. */
  readonly noticeMinutes?: number;
}

export interface MeetingBooker {
  book(effect: BookMeetingEffect, meta: { readonly disputeId: string }): Promise<BookingResult>;
  cancel(effect: CancelMeetingEffect): Promise<'cancelled' | 'already-gone'>;
  /** The viable slots for a meeting effect without booking (for offering a move). */
  proposeSlots(effect: BookMeetingEffect): Promise<Slot[]>;
}

export function createMeetingBooker(options: MeetingBookerOptions): MeetingBooker {
  const { calendar, index } = options;
  const log = options.log.child({ component: 'meetings' });
  const notice = (options.noticeMinutes ?? 60) * 60_000;

  async function slotsFor(effect: BookMeetingEffect): Promise<Slot[]> {
    const convener = effect.convener;
    const internal = [convener, ...effect.attendees.filter((a) => !a.external).map((a) => a.person)];
    const busy = await calendar.busy(
      convener.email,
      internal.map((p) => p.email),
      effect.window,
    );
    const intervals: Interval[] = [...busy.values()].flat();
    return findSlots({
      window: effect.window,
      durationMinutes: effect.durationMinutes,
      workingHours: options.workingHours(convener.organisationId),
      calendar: options.workingCalendar(convener.organisationId),
      busy: intervals,
      avoidStarts: effect.avoidStarts,
      notBefore: new Date(options.now().getTime() + notice).toISOString(),
    });
  }

  function booked(
    event: CalendarEvent,
    alternatives: readonly Slot[],
    alreadyBooked: boolean,
  ): BookingResult {
    return {
      kind: 'booked',
      eventId: event.id,
      start: event.start,
      end: event.end,
      ...(event.joinUrl ? { joinUrl: event.joinUrl } : {}),
      alternatives: alternatives.filter((s) => s.start !== event.start).slice(0, 10),
      alreadyBooked,
    };
  }

  return {
    proposeSlots: slotsFor,
    async book(effect, meta) {
      const organiser = effect.convener.email;
      if (effect.replaces) {
        const outcome = await calendar.cancel(
          organiser,
          effect.replaces,
          'This meeting has been moved. A new invitation follows.',
        );
        await index.forget(effect.replaces);
        log.info({ key: effect.key, outcome }, 'replaced meeting cancelled');
      }
      const existing = await calendar.findByEffectKey(organiser, effect.key);
      if (existing && !existing.isCancelled) {
        await index.remember({
          eventId: existing.id,
          disputeId: meta.disputeId,
          convener: organiser,
          end: existing.end,
        });
        return booked(existing, [], true);
      }
      const slots = await slotsFor(effect);
      const duration = effect.durationMinutes * 60_000;
      // The convener's choice is booked when it is still free for everyone, or when nothing in the
      // window is (then their explicit choice stands); otherwise they are asked again.
      const preferred = effect.preferredStart ? new Date(effect.preferredStart).toISOString() : null;
      if (preferred && slots.length > 0 && !slots.some((s) => s.start === preferred)) {
        return {
          kind: 'unbookable',
          reason: 'The time chosen is no longer free for everyone. Choose another of the proposed times.',
        };
      }
      const chosen: Slot | undefined = preferred
        ? { start: preferred, end: new Date(Date.parse(preferred) + duration).toISOString() }
        : slots[0];
      if (!chosen) {
        const reason = `No time in working hours before ${instantDateInWords(effect.window.end)} when the convener and every internal attendee are free.`;
        log.info({ key: effect.key }, 'no viable meeting slot');
        return { kind: 'unbookable', reason };
      }
      const event = await calendar.create(organiser, {
        subject: meetingSubject(effect),
        html: agendaHtml(effect, chosen),
        start: chosen.start,
        end: chosen.end,
        attendees: effect.attendees.map((a) => ({
          email: a.person.email,
          name: a.person.name,
          required: a.required,
        })),
        transactionId: transactionIdFor(effect.key),
        effectKey: effect.key,
        disputeId: meta.disputeId,
      });
      await index.remember({
        eventId: event.id,
        disputeId: meta.disputeId,
        convener: organiser,
        end: event.end,
      });
      log.info({ key: effect.key, start: event.start }, 'meeting booked');
      return booked(event, slots, false);
    },
    async cancel(effect) {
      const outcome = await calendar.cancel(
        effect.convener.email,
        effect.eventId,
        'This meeting is no longer needed.',
      );
      await index.forget(effect.eventId);
      return outcome;
    },
  };
}

function agendaHtml(effect: BookMeetingEffect, slot: Slot): string {
  const when = `${instantDateInWords(slot.start)}, ${londonTime(slot.start)}–${londonTime(slot.end)} (UK time)`;
  const items = effect.agenda.map((line) => {
    const indented = /^\s+/.test(line);
    return `<li${indented ? ' style="margin-left:1.5em;list-style:circle"' : ''}>${escapeHtml(line.trim())}</li>`;
  });
  return (
    `<html><body><p>${escapeHtml(meetingSubject(effect))}</p><p>${escapeHtml(when)}</p>` +
    `<p><strong>Agenda</strong></p><ol>${items.join('')}</ol>` +
    `<p>${escapeHtml('Booked by Concord on behalf of the convener. Please accept or decline so the meeting can be moved if needed.')}</p></body></html>`
  );
}

/** The internal attendees of a meeting effect (the convener included): whose free/busy is read. */
export function internalAttendees(effect: BookMeetingEffect): PersonRef[] {
  return [effect.convener, ...effect.attendees.filter((a) => !a.external).map((a) => a.person)];
}
