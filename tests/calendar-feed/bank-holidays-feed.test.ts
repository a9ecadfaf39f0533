import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentBankHolidays, refreshBankHolidays } from '../../src/calendar-feed/bank-holidays-feed.ts';
import { run as runHolidays } from '../../src/cli/commands/holidays.ts';
import type { CliIo } from '../../src/cli/io.ts';
import {
  addWorkingDays,
  bundledBankHolidays,
  createWorkingCalendar,
  mergeBankHolidays,
} from '../../src/domain/calendar/index.ts';
import type { Store } from '../../src/store/open-store.ts';
import { ENGINES } from '../store/engines.ts';

/** A GOV.UK-shaped feed for 2029 (fictional dates, as the live feed would publish them). */
function feed2029() {
  const events = [
    { title: 'New Year’s Day', date: '2029-01-01', notes: '', bunting: true },
    { title: 'Good Friday', date: '2029-03-30', notes: '', bunting: false },
    { title: 'Christmas Day', date: '2029-12-25', notes: '', bunting: true },
  ];
  return {
    'england-and-wales': { division: 'england-and-wales', events },
    scotland: { division: 'scotland', events },
    'northern-ireland': { division: 'northern-ireland', events },
  };
}

const respond = (body: unknown, status = 200): typeof fetch =>
  (async () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    })) as typeof fetch;

describe('merging bank-holiday feeds', () => {
  it('extends coverage to the newer feed’s years, which it takes whole', () => {
    const merged = mergeBankHolidays(bundledBankHolidays, feed2029() as never);
    const calendar = createWorkingCalendar({ division: 'england-and-wales', bankHolidays: merged });
    expect(calendar.coveredTo).toBe('2029-12-31');
    expect(() =>
      addWorkingDays({
        calendar: createWorkingCalendar({ division: 'england-and-wales', bankHolidays: bundledBankHolidays }),
        from: new Date('2029-03-28T10:00:00Z'),
        workingDays: 2,
      }),
    ).toThrow();
    // Wednesday 28 March 2029 + 2 working days skips Good Friday (30 March): Monday 2 April.
    expect(addWorkingDays({ calendar, from: new Date('2029-03-28T10:00:00Z'), workingDays: 2 }).dueDate).toBe(
      '2029-04-02',
    );
  });
});

for (const engine of ENGINES) {
  describe(`keeping the GOV.UK feed on ${engine.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await engine.open();
    });
    afterAll(async () => store?.close());

    it('uses the bundled data until a feed is fetched, and refuses a malformed or failed download', async () => {
      expect((await currentBankHolidays(store)).fetchedAt).toBeNull();
      await expect(refreshBankHolidays({ store, fetch: respond({ scotland: 'nope' }) })).rejects.toThrow(
        /england-and-wales|scotland/,
      );
      await expect(refreshBankHolidays({ store, fetch: respond({}, 503) })).rejects.toThrow(/503/);
      expect((await currentBankHolidays(store)).fetchedAt).toBeNull();
    });

    it('stores a valid feed and reports the new coverage through the CLI', async () => {
      const out: string[] = [];
      const io: CliIo = { out: (l) => out.push(l), err: () => {} };
      expect(await runHolidays(['--refresh', '--json'], io, { store, fetch: respond(feed2029()) })).toBe(0);
      const report = JSON.parse(out[0] ?? '{}') as {
        source: string;
        coverage: Record<string, { to: string }>;
      };
      expect(report.source).toMatch(/GOV.UK feed fetched/);
      expect(report.coverage['england-and-wales']?.to).toBe('2029-12-25');
      const { feed } = await currentBankHolidays(store);
      expect(feed.scotland.events.some((e) => e.date === '2029-03-30')).toBe(true);
      expect(feed.scotland.events.some((e) => e.date === '2026-06-15')).toBe(true);
    });
  });
}
