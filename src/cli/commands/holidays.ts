/**
 * `concord holidays [--refresh] [--url URL] [--json]`: which years the bank-holiday data covers per
 * division, and where it came from. `--refresh` fetches the GOV.UK feed (or `--url`), validates it
 * and keeps it in the store; a running Concord uses it from its next start (and refreshes weekly
 * itself in the cloud).
 */
import {
  currentBankHolidays,
  GOV_UK_BANK_HOLIDAYS_URL,
  refreshBankHolidays,
} from '../../calendar-feed/bank-holidays-feed.ts';
import { coverage } from '../../domain/calendar/index.ts';
import { type StoreCommandDeps, withStore } from '../../runtime/store-session.ts';
import { type CliIo, parseCliArgs } from '../io.ts';

export async function run(
  argv: string[],
  io: CliIo,
  deps: StoreCommandDeps & { fetch?: typeof fetch } = {},
): Promise<number> {
  const { values } = parseCliArgs({
    args: argv,
    allowPositionals: false,
    options: {
      refresh: { type: 'boolean', default: false },
      url: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  return withStore(deps, async ({ store }) => {
    if (values.refresh) {
      await refreshBankHolidays({
        store,
        url: values.url ?? GOV_UK_BANK_HOLIDAYS_URL,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
    }
    const { feed, fetchedAt } = await currentBankHolidays(store);
    const report = {
      source: fetchedAt ? `bundled + GOV.UK feed fetched ${fetchedAt}` : 'bundled',
      coverage: coverage(feed),
    };
    if (values.json) {
      io.out(JSON.stringify(report));
      return 0;
    }
    io.out(`Bank holidays: ${report.source}`);
    for (const [division, c] of Object.entries(report.coverage))
      io.out(`  ${division.padEnd(18)} ${c.from} to ${c.to}`);
    return 0;
  });
}
