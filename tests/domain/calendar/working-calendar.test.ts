import { describe, expect, it } from 'vitest';
import {
  bundledBankHolidays,
  bundledCalendar,
  CalendarCoverageError,
  CalendarInputError,
  createWorkingCalendar,
  type Division,
  isWorkingDay,
  parseBankHolidays,
} from '../../../src/domain/calendar/index.ts';

const EW = 'england-and-wales';
const SC = 'scotland';
const NI = 'northern-ireland';
type Row = { day: string; why: string; working: Record<Division, boolean> };
const all = (working: boolean): Record<Division, boolean> => ({
  [EW]: working,
  [SC]: working,
  [NI]: working,
});

const ROWS: Row[] = [
  { day: '2026-06-10', why: 'an ordinary Wednesday', working: all(true) },
  { day: '2026-06-13', why: 'a Saturday', working: all(false) },
  { day: '2026-06-14', why: 'a Sunday', working: all(false) },
  { day: '2026-12-25', why: 'Christmas Day', working: all(false) },
  { day: '2026-12-28', why: 'the Boxing Day substitute (26th is a Saturday)', working: all(false) },
  { day: '2021-12-27', why: 'the Christmas Day substitute 2021', working: all(false) },
  { day: '2021-12-28', why: 'the Boxing Day substitute 2021', working: all(false) },
  { day: '2022-12-27', why: 'the Christmas Day substitute 2022', working: all(false) },
  { day: '2022-01-03', why: 'the New Year substitute 2022', working: all(false) },
  {
    day: '2022-01-04',
    why: 'the 2nd January substitute 2022',
    working: { [EW]: true, [SC]: false, [NI]: true },
  },
  { day: '2026-01-02', why: '2nd January', working: { [EW]: true, [SC]: false, [NI]: true } },
  {
    day: '2025-12-01',
    why: "the St Andrew's Day substitute",
    working: { [EW]: true, [SC]: false, [NI]: true },
  },
  { day: '2026-11-30', why: "St Andrew's Day", working: { [EW]: true, [SC]: false, [NI]: true } },
  {
    day: '2026-06-15',
    why: "Scotland's one-off World Cup holiday",
    working: { [EW]: true, [SC]: false, [NI]: true },
  },
  { day: '2026-08-03', why: 'the Scottish summer holiday', working: { [EW]: true, [SC]: false, [NI]: true } },
  { day: '2026-08-31', why: 'the late August holiday', working: { [EW]: false, [SC]: true, [NI]: false } },
  { day: '2026-04-06', why: 'Easter Monday', working: { [EW]: false, [SC]: true, [NI]: false } },
  { day: '2026-04-03', why: 'Good Friday', working: all(false) },
  { day: '2026-03-17', why: "St Patrick's Day", working: { [EW]: true, [SC]: true, [NI]: false } },
  { day: '2027-07-12', why: 'the Battle of the Boyne', working: { [EW]: true, [SC]: true, [NI]: false } },
  {
    day: '2026-07-13',
    why: 'the Battle of the Boyne substitute',
    working: { [EW]: true, [SC]: true, [NI]: false },
  },
  { day: '2022-09-19', why: 'the State Funeral of Queen Elizabeth II', working: all(false) },
];

describe('isWorkingDay', () => {
  for (const division of [EW, SC, NI] as const) {
    it.each(ROWS)(`${division}: $day ($why)`, ({ day, working }) => {
      expect(isWorkingDay(bundledCalendar(division), day)).toBe(working[division]);
    });
  }

  it('treats closure days as non-working, on top of bank holidays', () => {
    const calendar = bundledCalendar(EW, ['2026-12-24', '2026-12-31']);
    expect(isWorkingDay(calendar, '2026-12-24')).toBe(false);
    expect(isWorkingDay(calendar, '2026-12-31')).toBe(false);
    expect(isWorkingDay(calendar, '2026-12-30')).toBe(true);
    expect(isWorkingDay(bundledCalendar(EW), '2026-12-24')).toBe(true);
  });

  it('refuses days outside the years the bank-holiday data covers, rather than ignore their holidays', () => {
    const calendar = bundledCalendar(SC);
    expect(isWorkingDay(calendar, '2019-01-01')).toBe(false);
    expect(isWorkingDay(calendar, '2028-12-29')).toBe(true);
    expect(() => isWorkingDay(calendar, '2029-01-02')).toThrow(CalendarCoverageError);
    expect(() => isWorkingDay(calendar, '2018-12-31')).toThrow(/2019-01-01 to 2028-12-31/);
  });

  it('rejects a malformed day', () => {
    expect(() => isWorkingDay(bundledCalendar(EW), '2026-02-30')).toThrow(CalendarInputError);
  });
});

describe('createWorkingCalendar', () => {
  it('builds a calendar from any parsed feed', () => {
    const bankHolidays = parseBankHolidays({
      'england-and-wales': {
        division: EW,
        events: [{ title: 'Made-up Day', date: '2030-03-04', notes: '', bunting: false }],
      },
      scotland: { division: SC, events: [] },
      'northern-ireland': { division: NI, events: [] },
    });
    const calendar = createWorkingCalendar({ division: EW, bankHolidays, closureDays: ['2030-03-05'] });
    expect(isWorkingDay(calendar, '2030-03-04')).toBe(false);
    expect(isWorkingDay(calendar, '2030-03-05')).toBe(false);
    expect(isWorkingDay(calendar, '2030-03-06')).toBe(true);
    expect(calendar.bankHolidays.get('2030-03-04')).toBe('Made-up Day');
    // A division with no data covers nothing.
    expect(() => isWorkingDay(createWorkingCalendar({ division: SC, bankHolidays }), '2030-03-06')).toThrow(
      CalendarCoverageError,
    );
  });

  it('rejects a malformed closure day, naming it', () => {
    expect(() =>
      createWorkingCalendar({
        division: EW,
        bankHolidays: bundledBankHolidays,
        closureDays: ['2026-12-24', '24/12/2026'],
      }),
    ).toThrow(/closureDays\[1\]/);
  });
});
