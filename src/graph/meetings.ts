/**
 * Booking dispute meetings (the book-meeting and cancel-meeting effects).
 *
 * book:
 * 0. The organiser: the convener's own calendar when they are in the host tenant; otherwise a
 *    host-side calendar with the convener invited as a required attendee (meeting-organiser.ts), so
 *    a convener in another tenant never sends Concord to a calendar Graph answers 404 for.
 * 1. `replaces` set (re-booking): cancel the old event first; already cancelled or gone counts as done.
 * 2. An event already tagged with this effect key (a retry) is returned as it is.
 * 3. Free/busy (`getSchedule`, one call) of the host-tenant people in the meeting over the window.
 * 4. `findSlots` (pure, src/domain/meeting): working hours and working days of the convener's
 *    organisation, the window ending at the step's deadline, declined starts avoided, and never
 *    inside the next working half-day (`noticeStart`). Other tenants' availability is unknown.
 * 5. The chosen slot (the convener's `preferredStart`; else a time an attendee proposed, when still
 *    viable; else the earliest clear of the lunch hour) goes on the organiser's calendar with high
 *    importance, the invitation (src/email/invitation.ts: case context, agenda, escaped) in the body,
 *    new time proposals allowed, and `transactionId` derived from the effect key, so a retried POST
 *    returns the same event. A Teams meeting when the procedure's form allows one; otherwise in
 *    person, with the location saying so.
 * No viable slot → `{ kind: 'unbookable' }`; the runtime feeds `meeting-unbookable`.
 * The other viable slots come back as `alternatives`, a morning and an afternoon of each day of the
 * window (`spreadAcrossDays`), for the card's "move" choice.
 */

import type { WorkingCalendar } from '../domain/calendar/index.ts';
import type { Effect, PersonRef } from '../domain/dispute/types.ts';
import {
  bestSlot,
  earliestStart,
  findSlots,
  type Interval,
  type Slot,
  spreadAcrossDays,
  type WorkingHours,
} from '../domain/meeting/slots.ts';
import { instantDateInWords } from '../email/dates.ts';
import { inPersonLocation, invitationHtml } from '../email/invitation.ts';
import { meetingSubject } from '../email/wording.ts';
import type { Logger } from '../log/index.ts';
import type { CalendarEvent, GraphCalendar } from './calendar.ts';
import { transactionIdFor } from './ids.ts';
import { chooseOrganiser, type Organiser, type OrganiserDirectory } from './meeting-organiser.ts';
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
      /**
       * A Teams meeting was asked for and Graph created the event without a join link (an organiser
       * with no Teams licence, or Teams turned off for them): the convener is told to add one.
       */
      readonly onlineLinkMissing?: boolean;
      /** Other viable slots for "move": a morning and an afternoon of each day, earliest first (at most 20). */
      readonly alternatives: readonly Slot[];
      readonly alreadyBooked: boolean;
      /** The calendar the event is on (the convener's, or a host-side one for a convener elsewhere). */
      readonly organiser: string;
    }
  | { readonly kind: 'unbookable'; readonly reason: string };

export interface MeetingBookerOptions {
  readonly calendar: GraphCalendar;
  readonly index: MeetingIndex;
  /** The convener's organisation's working hours and working-day calendar (directory service). */
  readonly workingHours: (organisationId: string) => WorkingHours;
  readonly workingCalendar: (organisationId: string) => WorkingCalendar;
  /**
   * Who is in the host tenant and which shared mailboxes it has, for conveners in another tenant
   * (meeting-organiser.ts). Absent: every convener's own calendar is used.
   */
  readonly directory?: OrganiserDirectory;
  readonly now: () => Date;
  readonly log: Logger;
}

export interface MeetingBooker {
  /**
   * `firstAttempt`: the outbox's first claim of this effect, so no event tagged with its key can
   * exist yet and the look-up is skipped (a retried POST is safe anyway: the same `transactionId`
   * returns the event already made).
   */
  book(
    effect: BookMeetingEffect,
    meta: { readonly disputeId: string; readonly firstAttempt?: boolean },
  ): Promise<BookingResult>;
  cancel(effect: CancelMeetingEffect): Promise<'cancelled' | 'already-gone'>;
  /** The viable slots for a meeting effect without booking (for offering a move). */
  proposeSlots(effect: BookMeetingEffect): Promise<Slot[]>;
}

/** At most this many alternatives go back for "move". */
const MAX_ALTERNATIVES = 20;

export function createMeetingBooker(options: MeetingBookerOptions): MeetingBooker {
  const { calendar, index } = options;
  const log = options.log.child({ component: 'meetings' });
  const isHost = (email: string) => options.directory?.isHostTenant(email) ?? true;

  function organiserOf(effect: Pick<BookMeetingEffect, 'convener' | 'attendees'>): Organiser {
    if (!options.directory) return { kind: 'convener', mailbox: effect.convener.email.toLowerCase() };
    return chooseOrganiser(options.directory, effect.convener, effect.attendees);
  }

  /**
   * The people whose free/busy Concord may read: those in the host tenant, the convener included (by
   * the directory when there is one, else by the effect's `external` flag).
   */
  function internalPeople(effect: BookMeetingEffect): PersonRef[] {
    if (!options.directory)
      return [effect.convener, ...effect.attendees.filter((a) => !a.external).map((a) => a.person)];
    return [effect.convener, ...effect.attendees.map((a) => a.person)].filter((p) => isHost(p.email));
  }

  async function slotsFor(
    effect: BookMeetingEffect,
    organiser: string,
    /** Free/busy already read (a re-booking reads it with the cancel). */
    known?: Map<string, Interval[]>,
  ): Promise<Slot[]> {
    const convener = effect.convener;
    const hours = options.workingHours(convener.organisationId);
    const workingCalendar = options.workingCalendar(convener.organisationId);
    const internal = internalPeople(effect);
    const busy =
      known ??
      (internal.length > 0
        ? await calendar.busy(
            organiser,
            internal.map((p) => p.email),
            effect.window,
          )
        : new Map<string, Interval[]>());
    const intervals: Interval[] = [...busy.values()].flat();
    return findSlots({
      window: effect.window,
      durationMinutes: effect.durationMinutes,
      workingHours: hours,
      calendar: workingCalendar,
      busy: intervals,
      avoidStarts: effect.avoidStarts,
      notBefore: earliestStart({
        now: options.now().toISOString(),
        windowEnd: effect.window.end,
        workingHours: hours,
        calendar: workingCalendar,
      }),
    });
  }

  function booked(
    event: CalendarEvent,
    slots: readonly Slot[],
    hours: WorkingHours,
    alreadyBooked: boolean,
    organiser: string,
    online: boolean,
  ): BookingResult {
    const others = slots.filter((s) => s.start !== event.start);
    const missing = online && !event.joinUrl;
    if (missing)
      log.warn(
        { eventId: event.id, organiser },
        'Teams meeting asked for, but Graph created the event without a join link; the convener is told',
      );
    return {
      kind: 'booked',
      eventId: event.id,
      start: event.start,
      end: event.end,
      ...(event.joinUrl ? { joinUrl: event.joinUrl } : {}),
      ...(missing ? { onlineLinkMissing: true } : {}),
      alternatives: spreadAcrossDays(others, hours, { max: MAX_ALTERNATIVES }),
      alreadyBooked,
      organiser,
    };
  }

  return {
    async proposeSlots(effect) {
      const organiser = organiserOf(effect);
      if (organiser.kind === 'none') return [];
      return slotsFor(effect, organiser.mailbox);
    },
    async book(effect, meta) {
      const chosenOrganiser = organiserOf(effect);
      if (chosenOrganiser.kind === 'none') {
        log.info({ key: effect.key }, 'no host calendar for the meeting');
        return {
          kind: 'unbookable',
          reason:
            'Nobody in this meeting is in your organisation’s Microsoft 365, so Concord has no calendar to book it on. Arrange it directly, or ask your IT team to give the partnership board or your team a shared mailbox in Concord’s directory.',
        };
      }
      const organiser = chosenOrganiser.mailbox;
      const hours = options.workingHours(effect.convener.organisationId);
      let known: Map<string, Interval[]> | undefined;
      if (effect.replaces) {
        const tracked = await index.lookup(effect.replaces);
        const oldOrganiser = tracked?.convener ?? organiser;
        const comment = 'This meeting has been moved. A new invitation follows.';
        const internal = internalPeople(effect).map((p) => p.email);
        let outcome: 'cancelled' | 'already-gone';
        if (meta.firstAttempt && oldOrganiser === organiser && internal.length > 0) {
          // A first attempt books straight after: the free/busy is read with the cancel, after it.
          const both = await calendar.cancelThenBusy(organiser, effect.replaces, comment, {
            addresses: internal,
            window: effect.window,
          });
          outcome = both.cancelled;
          known = both.busy;
        } else outcome = await calendar.cancel(oldOrganiser, effect.replaces, comment);
        await index.forget(effect.replaces);
        log.info({ key: effect.key, outcome }, 'replaced meeting cancelled');
      }
      const existing = meta.firstAttempt ? undefined : await calendar.findByEffectKey(organiser, effect.key);
      if (existing && !existing.isCancelled) {
        await index.remember({
          eventId: existing.id,
          disputeId: meta.disputeId,
          convener: organiser,
          end: existing.end,
        });
        return booked(
          existing,
          await slotsFor(effect, organiser),
          hours,
          true,
          organiser,
          effect.form?.online ?? true,
        );
      }
      const slots = await slotsFor(effect, organiser, known);
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
      // A time an attendee proposed is booked when it is free for everyone Concord can see.
      const proposed = (effect.proposedStarts ?? [])
        .map((p) => new Date(p).toISOString())
        .map((p) => slots.find((s) => s.start === p))
        .find((s): s is Slot => !!s);
      const chosen: Slot | undefined = preferred
        ? { start: preferred, end: new Date(Date.parse(preferred) + duration).toISOString() }
        : (proposed ?? bestSlot(slots, hours));
      if (!chosen) {
        const reason = `No time in working hours before ${instantDateInWords(effect.window.end)} when the convener and every internal attendee are free.`;
        log.info({ key: effect.key }, 'no viable meeting slot');
        return { kind: 'unbookable', reason };
      }
      const online = effect.form?.online ?? true;
      const invitees = [
        ...(chosenOrganiser.kind === 'host-calendar'
          ? [{ email: effect.convener.email, name: effect.convener.name, required: true }]
          : []),
        ...effect.attendees.map((a) => ({
          email: a.person.email,
          name: a.person.name,
          required: a.required,
        })),
      ].filter((a, i, all) => {
        const email = a.email.toLowerCase();
        return email !== organiser && all.findIndex((b) => b.email.toLowerCase() === email) === i;
      });
      const event = await calendar.create(organiser, {
        subject: meetingSubject(effect),
        html: invitationHtml(
          {
            ...effect,
            ...(chosenOrganiser.kind === 'host-calendar' ? { onBehalfOf: effect.convener.name } : {}),
          },
          chosen,
        ),
        start: chosen.start,
        end: chosen.end,
        attendees: invitees,
        online,
        ...(online ? {} : { location: inPersonLocation() }),
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
      log.info({ key: effect.key, start: event.start, organiser: chosenOrganiser.kind }, 'meeting booked');
      return booked(event, slots, hours, false, organiser, online);
    },
    async cancel(effect) {
      const tracked = await index.lookup(effect.eventId);
      const organiser = organiserOf({ convener: effect.convener, attendees: [] });
      const mailbox =
        tracked?.convener ?? (organiser.kind === 'none' ? effect.convener.email : organiser.mailbox);
      const outcome = await calendar.cancel(mailbox, effect.eventId, 'This meeting is no longer needed.');
      await index.forget(effect.eventId);
      return outcome;
    },
  };
}
