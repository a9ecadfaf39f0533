/**
 * Keeping bank holidays current: the bundled GOV.UK data (2019–2028) plus the newest copy of the
 * live feed (`https://www.gov.uk/bank-holidays.json`), fetched by `concord holidays --refresh` or
 * weekly by a running Concord, validated, and kept in the store. Deadlines never silently ignore a
 * year's holidays: a date the data does not cover is refused by the calendar.
 */
import {
  type BankHolidayFeed,
  bundledBankHolidays,
  coverage,
  mergeBankHolidays,
  parseBankHolidays,
} from '../domain/calendar/index.ts';
import type { Store } from '../store/open-store.ts';
import { getKvValue, putKvValue } from '../store/operations/index.ts';

export const GOV_UK_BANK_HOLIDAYS_URL = 'https://www.gov.uk/bank-holidays.json';
const KEY = 'bank-holidays:gov.uk';

interface Stored {
  readonly fetchedAt: string;
  readonly url: string;
  readonly feed: unknown;
}

/** The feed to build calendars from: the bundled data, merged with the stored copy of the live feed. */
export async function currentBankHolidays(
  store: Store,
): Promise<{ feed: BankHolidayFeed; fetchedAt: string | null }> {
  const stored = (await getKvValue(store.db, KEY)) as Stored | undefined;
  if (!stored) return { feed: bundledBankHolidays, fetchedAt: null };
  return {
    feed: mergeBankHolidays(bundledBankHolidays, parseBankHolidays(stored.feed)),
    fetchedAt: stored.fetchedAt,
  };
}

/**
 * Fetches and validates the live feed, then stores it. A feed that fails validation is not stored
 * (the error names the bad field), so a broken download never replaces good data.
 */
export async function refreshBankHolidays(options: {
  readonly store: Store;
  readonly url?: string;
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
}): Promise<{ fetchedAt: string; coverage: ReturnType<typeof coverage> }> {
  const url = options.url ?? GOV_UK_BANK_HOLIDAYS_URL;
  const response = await (options.fetch ?? fetch)(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const feed = parseBankHolidays(await response.json());
  const fetchedAt = (options.now ?? (() => new Date()))().toISOString();
  const value: Stored = { fetchedAt, url, feed };
  await putKvValue(options.store.db, KEY, value, fetchedAt);
  return { fetchedAt, coverage: coverage(mergeBankHolidays(bundledBankHolidays, feed)) };
}
