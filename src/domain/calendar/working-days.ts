/**
 * Counting working days (DESIGN.md, "Working days"):
 *
 *   "Within N working days" of a step that starts at instant t means the end (23:59:59.999
 *   Europe/London) of the Nth working day after t's calendar day (taken in Europe/London).
 *
 * - The start day is never counted, whether or not it is a working day: day 1 is the first working
 *   day after it. A step that starts on a non-working day therefore has the next working day as its
 *   day 1: Saturday + 1 working day is Monday, and Christmas Day + 1 is the first working day after the
 *   Boxing Day holiday. This is FOIA s.10's "the Nth working day following the date of receipt", where
 *   the date of receipt may be a non-working day, and how the ICO's guidance counts it.
 * - N = 0 means the end of the start day itself.
 * - `workingDaysBetween` counts the same days, so
 *   `workingDaysBetween(t, addWorkingDays(t, N).due) === N` holds for every t.
 */
import { addCalendarDays, type CalendarDay } from './calendar-day.ts';
import { CalendarInputError } from './errors.ts';
import { assertInstant, endOfLondonDay, londonDay } from './london-time.ts';
import { assertCovered, isWorkingDay, type WorkingCalendar } from './working-calendar.ts';

/**
 * A deadline: the London calendar day it falls on and the instant it expires (the last millisecond of
 * that day in Europe/London).
 *
 * @example
 * const deadline: Deadline = { dueDate: '2027-01-04', due: new Date('2027-01-04T23:59:59.999Z') };
 */
export interface Deadline {
  readonly dueDate: CalendarDay;
  readonly due: Date;
}

/**
 * The deadline "within `workingDays` working days" of a step starting at `from` (see the module comment
 * for the rule). Throws `CalendarInputError` when `workingDays` is negative or not an integer, and
 * `CalendarCoverageError` when the count runs outside the bank-holiday data.
 *
 * @example
 * const calendar = bundledCalendar('england-and-wales');
 * addWorkingDays({ calendar, from: new Date('2026-12-23T10:00:00Z'), workingDays: 5 });
 * // { dueDate: '2027-01-04', due: 2027-01-04T23:59:59.999Z } (skips 25 Dec, 28 Dec substitute, 1 Jan)
 */
export function addWorkingDays({
  calendar,
  from,
  workingDays,
}: {
  calendar: WorkingCalendar;
  from: Date;
  workingDays: number;
}): Deadline {
  assertWorkingDayCount(workingDays, 'workingDays');
  let day = londonDay(assertInstant(from, 'from'));
  assertCovered(calendar, day);
  for (let counted = 0; counted < workingDays; ) {
    day = addCalendarDays(day, 1);
    if (isWorkingDay(calendar, day)) counted += 1;
  }
  return { dueDate: day, due: endOfLondonDay(day) };
}

/**
 * The number of working days after `from`'s London calendar day up to and including `to`'s. When `to`'s
 * day is before `from`'s the ends swap and the sign flips, so `between(a, b) === -between(b, a)` (a
 * deadline 2 working days overdue gives -2). It inverts `addWorkingDays`:
 * `workingDaysBetween({ calendar, from: t, to: addWorkingDays({ calendar, from: t, workingDays: n }).due }) === n`.
 *
 * @example
 * const calendar = bundledCalendar('england-and-wales');
 * workingDaysBetween({ calendar, from: new Date('2026-12-23T10:00:00Z'), to: new Date('2027-01-04T09:00:00Z') }); // 5
 * workingDaysBetween({ calendar, from: new Date('2027-01-04T09:00:00Z'), to: new Date('2026-12-23T10:00:00Z') }); // -5
 */
export function workingDaysBetween({
  calendar,
  from,
  to,
}: {
  calendar: WorkingCalendar;
  from: Date;
  to: Date;
}): number {
  const fromDay = londonDay(assertInstant(from, 'from'));
  const toDay = londonDay(assertInstant(to, 'to'));
  // `0 - n` rather than `-n`, which would give -0 for an empty span.
  if (toDay < fromDay) return 0 - countWorkingDaysAfter(calendar, toDay, fromDay);
  return countWorkingDaysAfter(calendar, fromDay, toDay);
}

/** Working days in (`after`, `upTo`], with `after <= upTo`. */
function countWorkingDaysAfter(calendar: WorkingCalendar, after: CalendarDay, upTo: CalendarDay): number {
  assertCovered(calendar, after);
  assertCovered(calendar, upTo);
  let count = 0;
  for (let day = addCalendarDays(after, 1); day <= upTo; day = addCalendarDays(day, 1)) {
    if (isWorkingDay(calendar, day)) count += 1;
  }
  return count;
}

/**
 * Throws `CalendarInputError` naming `field` unless `value` is a non-negative integer.
 *
 * @example
 * assertWorkingDayCount(2.5, 'workingDays'); // throws "workingDays: expected a whole number ≥ 0 (got 2.5)"
 */
export function assertWorkingDayCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new CalendarInputError(field, value, 'expected a whole number ≥ 0');
  }
  return value;
}
