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
  const days = new Set(input.workingHours.days ?? DEFAULT_DAYS);
  const avoid = new Set((input.avoidStarts ?? []).map(ms));
  const busy = input.busy
    .map((b) => ({ start: ms(b.start), end: ms(b.end) }))
    .filter((b) => b.end > b.start)
    .sort((a, b) => a.start - b.start);
  const limit = input.limit ?? Number.POSITIVE_INFINITY;

  const slots: Slot[] = [];
  const lastDay = dayIn(new Date(windowEnd), zone);
  for (let day = dayIn(new Date(earliest), zone); day <= lastDay; day = addCalendarDays(day, 1)) {
    const weekday = WEEKDAYS[(dayOfWeek(day) + 6) % 7];
    if (!weekday || !days.has(weekday) || !isWorkingDay(input.calendar, day)) continue;
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
