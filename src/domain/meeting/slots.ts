/**
 * Meeting slot finding: pure, so the rules are table-tested without a calendar server.
 *
 * Graph's `findMeetingTimes` is delegated-only, so an app-only bot reads free/busy (`getSchedule`)
 * and picks the slot itself. A slot is viable when it:
 * - lies on a working day (Monday–Friday outside bank holidays and closure days: `isWorkingDay`) that
 *   is also one of the organisation's working weekdays;
 * - lies wholly inside the organisation's working hours (wall-clock times in `timeZone`, Europe/London
 *   by default, so British Summer Time is handled);
 * - starts at or after `window.start` (and `notBefore`, for notice) and ends by `window.end` (the
 *   step's deadline);
 * - overlaps no busy interval of any internal attendee (external attendees' availability is unknown,
 *   so it is not consulted);
 * - does not start at one of `avoidStarts` (slots already declined).
 * Candidate starts are every `stepMinutes` from the start of working hours; the result is ranked
 * earliest first.
 *
 * Which of them is booked and which are offered is decided here too, so the rules are one table:
 * - `noticeStart`: never inside the next working half-day (booked at 09:00, 13:00 at the earliest;
 *   after noon, the next working morning); `earliestStart` gives an hour instead when the deadline
 *   itself falls inside that half-day;
 * - `bestSlot`: the earliest slot clear of the lunch hour, else the earliest;
 * - `spreadAcrossDays`: a morning and an afternoon slot of each day of the window, for "move".
 *
 * @example
 * findSlots({
 *   window: { start: '2026-11-23T08:00:00Z', end: '2026-11-30T23:59:59.999Z' },
 *   durationMinutes: 60,
 *   workingHours: { start: '09:00', end: '17:00' },
 *   calendar: bundledCalendar('england-and-wales'),
 *   busy: [{ start: '2026-11-23T09:00:00Z', end: '2026-11-23T11:00:00Z' }],
 * })[0]; // { start: '2026-11-23T11:00:00.000Z', end: '2026-11-23T12:00:00.000Z' }
 */
import { TZDate } from '@date-fns/tz';
import {
  addCalendarDays,
  type CalendarDay,
  dayOfWeek,
  isWorkingDay,
  LONDON,
  londonDay,
  type WorkingCalendar,
} from '../calendar/index.ts';

/** An ISO-8601 instant. */
export type Instant = string;

export interface Interval {
  readonly start: Instant;
  readonly end: Instant;
}

/** The days of the week, Monday first, as working hours name them (the directory file uses these). */
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WorkingHours {
  /** Wall-clock "HH:MM" in `timeZone`. */
  readonly start: string;
  readonly end: string;
  /** Default Monday to Friday. */
  readonly days?: readonly Weekday[];
  /** IANA zone; default Europe/London. */
  readonly timeZone?: string;
  /**
   * The lunch hour, wall-clock "HH:MM" in `timeZone`; default 12:00–13:00. It splits the working day
   * into its two half-days, and a meeting over it is offered only when nothing else fits.
   */
  readonly lunch?: { readonly start: string; readonly end: string };
}

export interface FindSlotsInput {
  readonly window: Interval;
  readonly durationMinutes: number;
  readonly workingHours: WorkingHours;
  readonly calendar: WorkingCalendar;
  /** Busy intervals of every internal attendee (the convener included), in any order. */
  readonly busy: readonly Interval[];
  /** Starts already declined; never offered again. */
  readonly avoidStarts?: readonly Instant[];
  /** Earliest acceptable start besides `window.start` (for notice). */
  readonly notBefore?: Instant;
  /** Grid of candidate starts, from the start of working hours. Default 30. */
  readonly stepMinutes?: number;
  /** At most this many slots. Default: all. */
  readonly limit?: number;
}

export interface Slot {
  readonly start: Instant;
  readonly end: Instant;
}

const DEFAULT_DAYS: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const MINUTE = 60_000;

/** Viable slots, earliest first. Empty when nothing fits: the caller reports the meeting unbookable. */
export function findSlots(input: FindSlotsInput): Slot[] {
  const duration = input.durationMinutes * MINUTE;
  const step = (input.stepMinutes ?? 30) * MINUTE;
  if (!(duration > 0) || !(step > 0)) return [];
  const windowStart = ms(input.window.start);
  const windowEnd = ms(input.window.end);
  const earliest = Math.max(windowStart, input.notBefore ? ms(input.notBefore) : windowStart);
  if (!(earliest < windowEnd)) return [];
  const zone = input.workingHours.timeZone ?? LONDON;
  const avoid = new Set((input.avoidStarts ?? []).map(ms));
  const busy = input.busy
    .map((b) => ({ start: ms(b.start), end: ms(b.end) }))
    .filter((b) => b.end > b.start)
    .sort((a, b) => a.start - b.start);
  const limit = input.limit ?? Number.POSITIVE_INFINITY;

  const slots: Slot[] = [];
  const lastDay = dayIn(new Date(windowEnd), zone);
  for (let day = dayIn(new Date(earliest), zone); day <= lastDay; day = addCalendarDays(day, 1)) {
    if (!isWorkingDayFor(day, input.workingHours, input.calendar)) continue;
    const open = wallClock(day, input.workingHours.start, zone);
    const close = wallClock(day, input.workingHours.end, zone);
    for (let start = open; start + duration <= close; start += step) {
      const end = start + duration;
      if (start < earliest || end > windowEnd || avoid.has(start)) continue;
      if (busy.some((b) => b.start < end && start < b.end)) continue;
      slots.push({ start: new Date(start).toISOString(), end: new Date(end).toISOString() });
      if (slots.length >= limit) return slots;
    }
  }
  return slots;
}

const DEFAULT_LUNCH = { start: '12:00', end: '13:00' } as const;

/** The half-days of a working day: morning (opening to lunch) and afternoon (after lunch to closing). */
function halfDays(day: CalendarDay, hours: WorkingHours): [number, number][] {
  const zone = hours.timeZone ?? LONDON;
  const lunch = hours.lunch ?? DEFAULT_LUNCH;
  const open = wallClock(day, hours.start, zone);
  const close = wallClock(day, hours.end, zone);
  const lunchStart = Math.min(Math.max(wallClock(day, lunch.start, zone), open), close);
  const lunchEnd = Math.max(Math.min(wallClock(day, lunch.end, zone), close), open);
  const halves: [number, number][] = [
    [open, lunchStart],
    [lunchEnd, close],
  ];
  return halves.filter(([a, b]) => b > a);
}

function isWorkingDayFor(day: CalendarDay, hours: WorkingHours, calendar: WorkingCalendar): boolean {
  const weekday = WEEKDAYS[(dayOfWeek(day) + 6) % 7];
  const days = new Set(hours.days ?? DEFAULT_DAYS);
  return !!weekday && days.has(weekday) && isWorkingDay(calendar, day);
}

/**
 * The earliest start Concord books when asked at `now`: never inside the next working half-day.
 * The half-day under way (or, outside working time, the next one to begin) is left whole, so a
 * meeting booked at 09:00 starts at 13:00 at the earliest, one booked after noon the next working
 * morning, and one booked in the evening or at a weekend the afternoon of the next working day.
 *
 * @example
 * // Monday 23 November 2026, 09:00 London
 * noticeStart({ now: '2026-11-23T09:00:00Z', workingHours: { start: '09:00', end: '17:00' }, calendar });
 * // '2026-11-23T13:00:00.000Z'
 */
export function noticeStart(input: {
  readonly now: Instant;
  readonly workingHours: WorkingHours;
  readonly calendar: WorkingCalendar;
}): Instant {
  const now = ms(input.now);
  const zone = input.workingHours.timeZone ?? LONDON;
  let skipped = false;
  let day = dayIn(new Date(now), zone);
  // A year of days is far more than any calendar of closures could need.
  for (let i = 0; i < 366; i++, day = addCalendarDays(day, 1)) {
    if (!isWorkingDayFor(day, input.workingHours, input.calendar)) continue;
    for (const [start, end] of halfDays(day, input.workingHours)) {
      if (end <= now) continue;
      if (skipped) return new Date(start).toISOString();
      skipped = true;
    }
  }
  return new Date(now).toISOString();
}

/** An hour: the notice for a meeting whose deadline comes before the next working half-day is over. */
const URGENT_NOTICE = 60 * MINUTE;

/**
 * The earliest start to book: `noticeStart`, unless the step's deadline itself falls before it (an
 * urgent timescale, such as Dudley's "within 24 hours" booked in the evening); then an hour's
 * notice, so the meeting can still happen in time.
 */
export function earliestStart(input: {
  readonly now: Instant;
  readonly windowEnd: Instant;
  readonly workingHours: WorkingHours;
  readonly calendar: WorkingCalendar;
}): Instant {
  const halfDay = noticeStart(input);
  return ms(input.windowEnd) <= ms(halfDay) ? new Date(ms(input.now) + URGENT_NOTICE).toISOString() : halfDay;
}

/** Whether a slot keeps to sensible hours: clear of the lunch hour. */
export function isSensible(slot: Slot, hours: WorkingHours): boolean {
  const zone = hours.timeZone ?? LONDON;
  const lunch = hours.lunch ?? DEFAULT_LUNCH;
  const day = dayIn(new Date(ms(slot.start)), zone);
  const lunchStart = wallClock(day, lunch.start, zone);
  const lunchEnd = wallClock(day, lunch.end, zone);
  return !(ms(slot.start) < lunchEnd && lunchStart < ms(slot.end));
}

/** The slot to book: the earliest in sensible hours, else the earliest of all. */
export function bestSlot(slots: readonly Slot[], hours: WorkingHours): Slot | undefined {
  return slots.find((s) => isSensible(s, hours)) ?? slots[0];
}

/**
 * The slots to offer a convener, spread across the window: on each day, the first sensible slot of
 * the morning and of the afternoon (a day with no sensible slot offers its first), earliest first,
 * at most `max`. Offering five slots of one morning is what this avoids.
 */
export function spreadAcrossDays(
  slots: readonly Slot[],
  hours: WorkingHours,
  options: { readonly max?: number } = {},
): Slot[] {
  const zone = hours.timeZone ?? LONDON;
  const lunch = hours.lunch ?? DEFAULT_LUNCH;
  const byDay = new Map<CalendarDay, Slot[]>();
  for (const slot of slots) {
    const day = dayIn(new Date(ms(slot.start)), zone);
    byDay.set(day, [...(byDay.get(day) ?? []), slot]);
  }
  const offered: Slot[] = [];
  for (const [day, daySlots] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const noon = wallClock(day, lunch.start, zone);
    const sensible = daySlots.filter((s) => isSensible(s, hours));
    const morning = sensible.find((s) => ms(s.start) < noon);
    const afternoon = sensible.find((s) => ms(s.start) >= noon);
    const picks = [morning, afternoon].filter((s): s is Slot => !!s);
    offered.push(...(picks.length > 0 ? picks : daySlots.slice(0, 1)));
  }
  offered.sort((a, b) => ms(a.start) - ms(b.start));
  return offered.slice(0, options.max ?? Number.POSITIVE_INFINITY);
}

function ms(instant: Instant): number {
  const value = Date.parse(instant);
  if (Number.isNaN(value)) throw new RangeError(`not an ISO instant: ${instant}`);
  return value;
}

function dayIn(instant: Date, zone: string): CalendarDay {
  if (zone === LONDON) return londonDay(instant);
  const local = new TZDate(instant.getTime(), zone);
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

/** The instant of wall-clock `hhmm` on `day` in `zone`. */
function wallClock(day: CalendarDay, hhmm: string, zone: string): number {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return new TZDate(
    Number(day.slice(0, 4)),
    Number(day.slice(5, 7)) - 1,
    Number(day.slice(8, 10)),
    h,
    m,
    zone,
  ).getTime();
}

const pad = (n: number) => String(n).padStart(2, '0');
