/**
 * The bank holidays bundled with Concord (`data/uk-bank-holidays.json`, GOV.UK data for 2019–2028).
 */
import bundledJson from '../../../data/uk-bank-holidays.json' with { type: 'json' };
import { type BankHolidayFeed, type Division, parseBankHolidays } from './bank-holidays.ts';
import { createWorkingCalendar, type WorkingCalendar } from './working-calendar.ts';

/**
 * The bundled feed, validated once when this module loads.
 *
 * @example
 * bundledBankHolidays['england-and-wales'].events.find((e) => e.date === '2026-12-28')?.title; // 'Boxing Day'
 */
export const bundledBankHolidays: BankHolidayFeed = parseBankHolidays(bundledJson);

/**
 * The working calendar of a division from the bundled data, with optional organisation closure days.
 *
 * @example
 * const calendar = bundledCalendar('northern-ireland', ['2026-12-24']);
 * isWorkingDay(calendar, '2026-03-17'); // false (St Patrick's Day)
 */
export function bundledCalendar(division: Division, closureDays: readonly string[] = []): WorkingCalendar {
  return createWorkingCalendar({ division, bankHolidays: bundledBankHolidays, closureDays });
}
