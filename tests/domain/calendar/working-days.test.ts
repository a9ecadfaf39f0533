import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  addWorkingDays,
  bundledCalendar,
  CalendarCoverageError,
  CalendarInputError,
  DIVISIONS,
  type Division,
  endOfLondonDay,
  isWorkingDay,
  londonDay,
  workingDaysBetween,
} from '../../../src/domain/calendar/index.ts';

const EW = 'england-and-wales';
const SC = 'scotland';
const NI = 'northern-ireland';

type Row = {
  why: string;
  from: string;
  workingDays: number;
  division?: Division;
  closureDays?: string[];
  dueDate: string;
  due: string;
};

const ROWS: Row[] = [
  // Christmas and New Year, with substitute days.
  {
    why: 'Christmas 2026: skips 25 Dec, the Boxing Day substitute (28th) and 1 Jan',
    from: '2026-12-23T10:00:00Z',
    workingDays: 5,
    dueDate: '2027-01-04',
    due: '2027-01-04T23:59:59.999Z',
  },
  {
    why: 'Christmas 2026 in Scotland: 4 Jan 2027 is the 2nd January substitute',
    from: '2026-12-23T10:00:00Z',
    workingDays: 5,
    division: SC,
    dueDate: '2027-01-05',
    due: '2027-01-05T23:59:59.999Z',
  },
  {
    why: 'Christmas 2021: both days fall at the weekend, substitutes on 27 and 28 Dec',
    from: '2021-12-24T12:00:00Z',
    workingDays: 1,
    dueDate: '2021-12-29',
    due: '2021-12-29T23:59:59.999Z',
  },
  {
    why: 'Christmas 2022: Boxing Day on the Monday, the Christmas substitute on the Tuesday',
    from: '2022-12-23T12:00:00Z',
    workingDays: 1,
    dueDate: '2022-12-28',
    due: '2022-12-28T23:59:59.999Z',
  },
  {
    why: 'New Year 2022 substitute (3 Jan)',
    from: '2021-12-31T09:00:00Z',
    workingDays: 1,
    dueDate: '2022-01-04',
    due: '2022-01-04T23:59:59.999Z',
  },
  {
    why: 'New Year 2022 in Scotland: 3 and 4 Jan are both substitutes',
    from: '2021-12-31T09:00:00Z',
    workingDays: 1,
    division: SC,
    dueDate: '2022-01-05',
    due: '2022-01-05T23:59:59.999Z',
  },
  {
    why: 'New Year 2022 in Northern Ireland',
    from: '2021-12-31T09:00:00Z',
    workingDays: 1,
    division: NI,
    dueDate: '2022-01-04',
    due: '2022-01-04T23:59:59.999Z',
  },
  // Scotland.
  {
    why: '2 January is a working day in England',
    from: '2025-12-31T10:00:00Z',
    workingDays: 1,
    dueDate: '2026-01-02',
    due: '2026-01-02T23:59:59.999Z',
  },
  {
    why: '2 January 2026 is a Scottish bank holiday',
    from: '2025-12-31T10:00:00Z',
    workingDays: 1,
    division: SC,
    dueDate: '2026-01-05',
    due: '2026-01-05T23:59:59.999Z',
  },
  {
    why: "St Andrew's Day 2025 falls on a Sunday: substitute Monday 1 Dec",
    from: '2025-11-28T10:00:00Z',
    workingDays: 1,
    division: SC,
    dueDate: '2025-12-02',
    due: '2025-12-02T23:59:59.999Z',
  },
  {
    why: "St Andrew's Day substitute is a working day in England",
    from: '2025-11-28T10:00:00Z',
    workingDays: 1,
    dueDate: '2025-12-01',
    due: '2025-12-01T23:59:59.999Z',
  },
  {
    why: "Scotland's one-off 15 June 2026 holiday (BST)",
    from: '2026-06-12T09:00:00Z',
    workingDays: 1,
    division: SC,
    dueDate: '2026-06-16',
    due: '2026-06-16T22:59:59.999Z',
  },
  {
    why: '15 June 2026 is a working day in England and Wales',
    from: '2026-06-12T09:00:00Z',
    workingDays: 1,
    dueDate: '2026-06-15',
    due: '2026-06-15T22:59:59.999Z',
  },
  // Northern Ireland.
  {
    why: "St Patrick's Day",
    from: '2026-03-16T10:00:00Z',
    workingDays: 1,
    division: NI,
    dueDate: '2026-03-18',
    due: '2026-03-18T23:59:59.999Z',
  },
  {
    why: "St Patrick's Day is a working day in Scotland",
    from: '2026-03-16T10:00:00Z',
    workingDays: 1,
    division: SC,
    dueDate: '2026-03-17',
    due: '2026-03-17T23:59:59.999Z',
  },
  {
    why: '12 July 2026 is a Sunday: substitute Monday 13 July',
    from: '2026-07-10T10:00:00Z',
    workingDays: 1,
    division: NI,
    dueDate: '2026-07-14',
    due: '2026-07-14T22:59:59.999Z',
  },
  {
    why: '12 July 2027 (a Monday)',
    from: '2027-07-09T10:00:00Z',
    workingDays: 1,
    division: NI,
    dueDate: '2027-07-13',
    due: '2027-07-13T22:59:59.999Z',
  },
  // A longer window across Easter.
  {
    why: '20 working days across Good Friday and Easter Monday',
    from: '2026-04-01T09:00:00Z',
    workingDays: 20,
    dueDate: '2026-05-01',
    due: '2026-05-01T22:59:59.999Z',
  },
  // Starts on weekends and holidays: the first working day after the start day is day 1.
  {
    why: 'a Friday start: Monday is day 1',
    from: '2026-06-12T10:00:00Z',
    workingDays: 1,
    dueDate: '2026-06-15',
    due: '2026-06-15T22:59:59.999Z',
  },
  {
    why: 'a Saturday start: Monday is day 1',
    from: '2026-06-13T10:00:00Z',
    workingDays: 1,
    dueDate: '2026-06-15',
    due: '2026-06-15T22:59:59.999Z',
  },
  {
    why: 'a Sunday start: Monday is day 1',
    from: '2026-06-14T20:00:00Z',
    workingDays: 1,
    dueDate: '2026-06-15',
    due: '2026-06-15T22:59:59.999Z',
  },
  {
    why: 'a Saturday start, 5 working days: Monday to Friday',
    from: '2026-06-13T10:00:00Z',
    workingDays: 5,
    dueDate: '2026-06-19',
    due: '2026-06-19T22:59:59.999Z',
  },
  {
    why: 'a Good Friday start: Easter Monday is also off, so Tuesday is day 1',
    from: '2026-04-03T10:00:00Z',
    workingDays: 1,
    dueDate: '2026-04-07',
    due: '2026-04-07T22:59:59.999Z',
  },
  {
    why: 'a Good Friday start in Scotland (no Easter Monday holiday): Monday is day 1',
    from: '2026-04-03T10:00:00Z',
    workingDays: 1,
    division: SC,
    dueDate: '2026-04-06',
    due: '2026-04-06T22:59:59.999Z',
  },
  {
    why: 'a Christmas Day start: day 1 is the first working day after the Boxing Day substitute',
    from: '2026-12-25T10:00:00Z',
    workingDays: 1,
    dueDate: '2026-12-29',
    due: '2026-12-29T23:59:59.999Z',
  },
  {
    why: 'a Saturday start in November, 5 working days: Monday 30 Nov to Friday 4 Dec',
    from: '2026-11-28T11:00:00Z',
    workingDays: 5,
    dueDate: '2026-12-04',
    due: '2026-12-04T23:59:59.999Z',
  },
  // N = 0 is the end of the start day itself (its London day), working day or not.
  {
    why: 'N = 0 on a working day',
    from: '2026-12-23T10:00:00Z',
    workingDays: 0,
    dueDate: '2026-12-23',
    due: '2026-12-23T23:59:59.999Z',
  },
  {
    why: 'N = 0 on a Saturday is the end of that Saturday',
    from: '2026-06-13T10:00:00Z',
    workingDays: 0,
    dueDate: '2026-06-13',
    due: '2026-06-13T22:59:59.999Z',
  },
  // Late UTC evenings that are already the next day in London.
  {
    why: '23:30 UTC on Mon 1 June 2026 is Tue 2 June in London',
    from: '2026-06-01T23:30:00Z',
    workingDays: 1,
    dueDate: '2026-06-03',
    due: '2026-06-03T22:59:59.999Z',
  },
  {
    why: 'the last millisecond of Mon 1 June in London',
    from: '2026-06-01T22:59:59.999Z',
    workingDays: 1,
    dueDate: '2026-06-02',
    due: '2026-06-02T22:59:59.999Z',
  },
  {
    why: '23:30 UTC on Tue 1 Dec 2026 is still 1 Dec in London (GMT)',
    from: '2026-12-01T23:30:00Z',
    workingDays: 1,
    dueDate: '2026-12-02',
    due: '2026-12-02T23:59:59.999Z',
  },
  {
    why: '23:30 UTC on Fri 23 Oct 2026 is Saturday in London (BST): Monday is day 1',
    from: '2026-10-23T23:30:00Z',
    workingDays: 1,
    dueDate: '2026-10-26',
    due: '2026-10-26T23:59:59.999Z',
  },
  // Clock changes: due instants are in whichever offset applies on the due day.
  {
    why: 'late on the Saturday before BST starts: the first BST Monday is day 1',
    from: '2026-03-28T23:30:00Z',
    workingDays: 1,
    dueDate: '2026-03-30',
    due: '2026-03-30T22:59:59.999Z',
  },
  {
    why: '23:30 UTC on the Sunday BST starts is already Monday in London',
    from: '2026-03-29T23:30:00Z',
    workingDays: 1,
    dueDate: '2026-03-31',
    due: '2026-03-31T22:59:59.999Z',
  },
  {
    why: 'a Friday in GMT, due in BST',
    from: '2026-03-27T16:00:00Z',
    workingDays: 2,
    dueDate: '2026-03-31',
    due: '2026-03-31T22:59:59.999Z',
  },
  {
    why: '23:30 UTC on the Saturday before GMT returns is Sunday in London: Monday is day 1',
    from: '2026-10-24T23:30:00Z',
    workingDays: 1,
    dueDate: '2026-10-26',
    due: '2026-10-26T23:59:59.999Z',
  },
  {
    why: 'a Friday in BST, due in GMT',
    from: '2026-10-23T16:00:00Z',
    workingDays: 1,
    dueDate: '2026-10-26',
    due: '2026-10-26T23:59:59.999Z',
  },
  // Organisation closure days.
  {
    why: 'closure days between Christmas and New Year',
    from: '2026-12-23T10:00:00Z',
    workingDays: 1,
    closureDays: ['2026-12-24', '2026-12-29', '2026-12-30', '2026-12-31'],
    dueDate: '2027-01-04',
    due: '2027-01-04T23:59:59.999Z',
  },
  {
    why: 'closure days push a 5-day window',
    from: '2026-12-23T10:00:00Z',
    workingDays: 5,
    closureDays: ['2026-12-24', '2026-12-29', '2026-12-30', '2026-12-31'],
    dueDate: '2027-01-08',
    due: '2027-01-08T23:59:59.999Z',
  },
  {
    why: 'a closure day on a bank holiday changes nothing',
    from: '2026-12-23T10:00:00Z',
    workingDays: 5,
    closureDays: ['2026-12-25'],
    dueDate: '2027-01-04',
    due: '2027-01-04T23:59:59.999Z',
  },
];

describe('addWorkingDays', () => {
  it.each(ROWS)('$why', ({ from, workingDays, division = EW, closureDays = [], dueDate, due }) => {
    const calendar = bundledCalendar(division, closureDays);
    const deadline = addWorkingDays({ calendar, from: new Date(from), workingDays });
    expect({ dueDate: deadline.dueDate, due: deadline.due.toISOString() }).toEqual({ dueDate, due });
    expect(workingDaysBetween({ calendar, from: new Date(from), to: deadline.due })).toBe(workingDays);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s working days', (workingDays) => {
    const calendar = bundledCalendar(EW);
    expect(() => addWorkingDays({ calendar, from: new Date('2026-06-01T10:00:00Z'), workingDays })).toThrow(
      CalendarInputError,
    );
    try {
      addWorkingDays({ calendar, from: new Date('2026-06-01T10:00:00Z'), workingDays });
    } catch (error) {
      expect(error).toMatchObject({ field: 'workingDays', value: workingDays, retryable: false });
    }
  });

  it('rejects an invalid start', () => {
    expect(() =>
      addWorkingDays({ calendar: bundledCalendar(EW), from: new Date('not a date'), workingDays: 1 }),
    ).toThrow(/^from: expected a valid Date/);
  });

  it('refuses to count past the end of the bank-holiday data', () => {
    expect(() =>
      addWorkingDays({
        calendar: bundledCalendar(EW),
        from: new Date('2028-12-20T10:00:00Z'),
        workingDays: 10,
      }),
    ).toThrow(CalendarCoverageError);
  });

  describe('whatever the machine time zone', () => {
    const original = process.env.TZ;
    afterEach(() => {
      process.env.TZ = original;
    });

    it.each(['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Europe/London'])('%s', (zone) => {
      process.env.TZ = zone;
      const calendar = bundledCalendar(EW);
      expect(addWorkingDays({ calendar, from: new Date('2026-06-01T23:30:00Z'), workingDays: 1 })).toEqual({
        dueDate: '2026-06-03',
        due: new Date('2026-06-03T22:59:59.999Z'),
      });
      expect(
        addWorkingDays({ calendar, from: new Date('2026-03-29T23:30:00Z'), workingDays: 0 }).dueDate,
      ).toBe('2026-03-30');
    });
  });
});

describe('workingDaysBetween', () => {
  const calendar = bundledCalendar(EW);
  const between = (from: string, to: string) =>
    workingDaysBetween({ calendar, from: new Date(from), to: new Date(to) });

  it.each([
    { from: '2026-12-23T10:00:00Z', to: '2027-01-04T09:00:00Z', expected: 5, why: 'over Christmas' },
    { from: '2027-01-04T09:00:00Z', to: '2026-12-23T10:00:00Z', expected: -5, why: 'backwards' },
    { from: '2026-06-01T09:00:00Z', to: '2026-06-01T21:00:00Z', expected: 0, why: 'the same London day' },
    {
      from: '2026-06-01T09:00:00Z',
      to: '2026-06-01T23:30:00Z',
      expected: 1,
      why: 'into the next London day',
    },
    { from: '2026-06-12T09:00:00Z', to: '2026-06-14T09:00:00Z', expected: 0, why: 'Friday to Sunday' },
    { from: '2026-06-14T09:00:00Z', to: '2026-06-12T09:00:00Z', expected: 0, why: 'Sunday back to Friday' },
    {
      from: '2026-06-13T09:00:00Z',
      to: '2026-06-15T09:00:00Z',
      expected: 1,
      why: 'Saturday to Monday: Monday is day 1',
    },
    { from: '2026-06-13T09:00:00Z', to: '2026-06-16T09:00:00Z', expected: 2, why: 'Saturday to Tuesday' },
    {
      from: '2026-06-15T09:00:00Z',
      to: '2026-06-13T09:00:00Z',
      expected: -1,
      why: 'Monday back to Saturday',
    },
    {
      from: '2026-06-16T09:00:00Z',
      to: '2026-06-13T09:00:00Z',
      expected: -2,
      why: 'Tuesday back to Saturday',
    },
  ])('$why: $expected', ({ from, to, expected }) => {
    expect(between(from, to)).toBe(expected);
    // Swapping the ends only flips the sign.
    expect(between(to, from)).toBe(expected === 0 ? 0 : -expected);
  });
});

describe('properties', () => {
  // Instants whose 40-working-day windows stay inside the bundled data (2019–2028).
  const instant = fc
    .date({
      min: new Date('2019-01-01T00:00:00Z'),
      max: new Date('2028-09-30T23:59:59.999Z'),
      noInvalidDate: true,
    })
    .map((date) => new Date(date.getTime()));
  const closureDays = fc.array(
    fc.date({
      min: new Date('2019-01-01T00:00:00Z'),
      max: new Date('2028-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    { maxLength: 20 },
  );

  it('workingDaysBetween inverts addWorkingDays, and the due day of N ≥ 1 is a working day', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(...DIVISIONS),
        closureDays,
        (from, workingDays, division, closures) => {
          const calendar = bundledCalendar(
            division,
            closures.map((day) => day.toISOString().slice(0, 10)),
          );
          const { dueDate, due } = addWorkingDays({ calendar, from, workingDays });
          expect(workingDaysBetween({ calendar, from, to: due })).toBe(workingDays);
          expect(due.getTime()).toBe(endOfLondonDay(dueDate).getTime());
          expect(londonDay(due)).toBe(dueDate);
          expect(due.getTime()).toBeGreaterThan(from.getTime());
          if (workingDays > 0) {
            // The due day of N >= 1 is always a working day, and one more working day is always later.
            expect(isWorkingDay(calendar, dueDate)).toBe(true);
            const next = addWorkingDays({ calendar, from, workingDays: workingDays + 1 });
            expect(next.due.getTime()).toBeGreaterThan(due.getTime());
          } else {
            // N = 0 is the end of the start day, working day or not.
            expect(dueDate).toBe(londonDay(from));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('day 1 is the first working day after the start day, whatever the start day is', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...DIVISIONS), closureDays, (from, division, closures) => {
        const calendar = bundledCalendar(
          division,
          closures.map((day) => day.toISOString().slice(0, 10)),
        );
        const startDay = londonDay(from);
        let firstWorkingDayAfter = addCalendarDays(startDay, 1);
        while (!isWorkingDay(calendar, firstWorkingDayAfter)) {
          firstWorkingDayAfter = addCalendarDays(firstWorkingDayAfter, 1);
        }
        expect(addWorkingDays({ calendar, from, workingDays: 1 }).dueDate).toBe(firstWorkingDayAfter);
        // Every later day counts once: day N + 1 is the first working day after day N.
        const day3 = addWorkingDays({ calendar, from, workingDays: 3 }).dueDate;
        const fromDay2 = addWorkingDays({
          calendar,
          from: endOfLondonDay(addWorkingDays({ calendar, from, workingDays: 2 }).dueDate),
          workingDays: 1,
        }).dueDate;
        expect(day3).toBe(fromDay2);
      }),
      { numRuns: 300 },
    );
  });
});
