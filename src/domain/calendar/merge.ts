/**
 * Combining bank-holiday feeds: the bundled GOV.UK data and a newer copy of the live feed. Pure.
 */
import { type BankHolidayFeed, DIVISIONS } from './bank-holidays.ts';

/**
 * Every holiday of either feed, per division, sorted by date; where both list a date, `newer` wins
 * (GOV.UK occasionally moves or adds a holiday, e.g. a one-off).
 *
 * @example
 * const feed = mergeBankHolidays(bundledBankHolidays, fetchedFeed); // covers 2019 to the feed's last year
 */
export function mergeBankHolidays(base: BankHolidayFeed, newer: BankHolidayFeed): BankHolidayFeed {
  const merged = { ...base };
  for (const division of DIVISIONS) {
    const byDate = new Map(base[division].events.map((e) => [e.date, e]));
    const newerYears = new Set(newer[division].events.map((e) => e.date.slice(0, 4)));
    // A year the newer feed covers is taken from it whole, so a removed holiday is removed.
    for (const date of [...byDate.keys()]) if (newerYears.has(date.slice(0, 4))) byDate.delete(date);
    for (const event of newer[division].events) byDate.set(event.date, event);
    merged[division] = {
      ...base[division],
      events: [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
    };
  }
  return merged;
}

/** The last year each division's feed covers. */
export function coverage(
  feed: BankHolidayFeed,
): Record<(typeof DIVISIONS)[number], { from: string; to: string }> {
  const out = {} as Record<(typeof DIVISIONS)[number], { from: string; to: string }>;
  for (const division of DIVISIONS) {
    const dates = feed[division].events.map((e) => e.date).sort();
    out[division] = { from: dates[0] ?? '', to: dates.at(-1) ?? '' };
  }
  return out;
}
