import { describe, expect, it } from 'vitest';
import { bundledCalendar, CalendarInputError, warningInstants } from '../../../src/domain/calendar/index.ts';

const calendar = bundledCalendar('england-and-wales');
const from = new Date('2026-12-23T10:00:00Z');

describe('warningInstants', () => {
  it.each([
    {
      workingDays: 5,
      expected: [
        { fraction: 0.5, workingDays: 2, dueDate: '2026-12-29', due: '2026-12-29T23:59:59.999Z' },
        { fraction: 0.75, workingDays: 3, dueDate: '2026-12-30', due: '2026-12-30T23:59:59.999Z' },
      ],
    },
    {
      workingDays: 20,
      expected: [
        { fraction: 0.5, workingDays: 10, dueDate: '2027-01-11', due: '2027-01-11T23:59:59.999Z' },
        { fraction: 0.75, workingDays: 15, dueDate: '2027-01-18', due: '2027-01-18T23:59:59.999Z' },
      ],
    },
    {
      // Both fractions land on working day 1; both are returned and the caller decides.
      workingDays: 2,
      expected: [
        { fraction: 0.5, workingDays: 1, dueDate: '2026-12-24', due: '2026-12-24T23:59:59.999Z' },
        { fraction: 0.75, workingDays: 1, dueDate: '2026-12-24', due: '2026-12-24T23:59:59.999Z' },
      ],
    },
    { workingDays: 1, expected: [] },
    { workingDays: 0, expected: [] },
  ])('a $workingDays-working-day window', ({ workingDays, expected }) => {
    const warnings = warningInstants({ calendar, from, workingDays, fractions: [0.5, 0.75] });
    expect(warnings.map((w) => ({ ...w, due: w.due.toISOString() }))).toEqual(expected);
  });

  it('does not lose a day to floating point (10 × 0.7 is day 7)', () => {
    const [warning] = warningInstants({ calendar, from, workingDays: 10, fractions: [0.7] });
    expect(warning?.workingDays).toBe(7);
  });

  it.each([-0.1, 1.5, Number.NaN])('rejects the fraction %s', (fraction) => {
    expect(() => warningInstants({ calendar, from, workingDays: 5, fractions: [0.5, fraction] })).toThrow(
      CalendarInputError,
    );
  });
});
