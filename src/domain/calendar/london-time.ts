/**
 * Europe/London zone maths. Working days are counted in London whatever the server's zone, so every
 * conversion between an instant and a London calendar day goes through here.
 */
import { TZDate, tz } from '@date-fns/tz';
import { endOfDay, format } from 'date-fns';
import { addCalendarDays, assertCalendarDay, type CalendarDay } from './calendar-day.ts';
import { CalendarInputError } from './errors.ts';

/** The zone all working days are counted in. */
export const LONDON = 'Europe/London';

const inLondon = tz(LONDON);

/**
 * The Europe/London calendar day of an instant.
 *
 * @example
 * londonDay(new Date('2026-06-01T23:30:00Z')); // '2026-06-02' (00:30 BST)
 * londonDay(new Date('2026-12-01T23:30:00Z')); // '2026-12-01' (23:30 GMT)
 */
export function londonDay(instant: Date): CalendarDay {
  assertInstant(instant, 'instant');
  const t = instant.getTime();
  // London is never behind UTC (GMT or BST), so its day is the UTC day or the one after; the
  // zone is asked once per day (a working-day count asks for hundreds of them; issue 15).
  const utcDay = new Date(t).toISOString().slice(0, 10);
  if (!DAY_SHAPE.test(utcDay)) return format(instant, 'yyyy-MM-dd', { in: inLondon });
  const next = addCalendarDays(utcDay, 1);
  if (t >= londonMidnightMs(next)) return next;
  if (t >= londonMidnightMs(utcDay)) return utcDay;
  return format(instant, 'yyyy-MM-dd', { in: inLondon });
}

/**
 * The last millisecond (23:59:59.999 Europe/London) of a London calendar day, as an instant.
 *
 * @example
 * endOfLondonDay('2026-06-02').toISOString(); // '2026-06-02T22:59:59.999Z' (BST)
 * endOfLondonDay('2026-12-01').toISOString(); // '2026-12-01T23:59:59.999Z' (GMT)
 */
export function endOfLondonDay(day: CalendarDay): Date {
  assertCalendarDay(day, 'day');
  const known = ENDS.get(day);
  if (known !== undefined) return new Date(known);
  return new Date(remember(ENDS, day, endOfDay(londonMidnight(day)).getTime()));
}

/**
 * The first millisecond (00:00 Europe/London) of a London calendar day, as an instant.
 *
 * @example
 * startOfLondonDay('2026-06-02').toISOString(); // '2026-06-01T23:00:00.000Z' (BST)
 */
export function startOfLondonDay(day: CalendarDay): Date {
  assertCalendarDay(day, 'day');
  return new Date(londonMidnightMs(day));
}

/**
 * Throws `CalendarInputError` naming `field` unless `value` is a valid `Date`.
 *
 * @example
 * assertInstant(new Date('nope'), 'from'); // throws "from: expected a valid Date (got Invalid Date)"
 */
export function assertInstant(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new CalendarInputError(field, value, 'expected a valid Date');
  }
  return value;
}

/** A four-digit year: the shapes the shortcut in `londonDay` handles (others ask the zone). */
const DAY_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
/** Zone answers per London day, as epoch ms (bounded: cleared when full). */
const STARTS = new Map<CalendarDay, number>();
const ENDS = new Map<CalendarDay, number>();
const REMEMBERED_DAYS = 20_000;

function remember(map: Map<CalendarDay, number>, day: CalendarDay, ms: number): number {
  if (map.size >= REMEMBERED_DAYS) map.clear();
  map.set(day, ms);
  return ms;
}

function londonMidnightMs(day: CalendarDay): number {
  const known = STARTS.get(day);
  return known !== undefined ? known : remember(STARTS, day, londonMidnight(day).getTime());
}

function londonMidnight(day: CalendarDay): TZDate {
  return new TZDate(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)), LONDON);
}
