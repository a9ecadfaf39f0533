/**
 * Graph housekeeping after `listen`: subscriptions renewed before they lapse, the fallbacks for lost
 * notifications (inbox delta, meeting polling), the managers Graph knows, card bookkeeping pruned,
 * (in the cloud) GOV.UK's bank holidays, and on PGlite the vacuuming and checkpoints that PostgreSQL's
 * own background workers do (`startStoreUpkeep`). Webhooks do the real-time work; these are safety nets.
 *
 * @example
 * const loops = startMaintenance({ inbound, meetings, directory, store, log, cloud: true });
 * // … await Promise.all(loops.map((loop) => loop.stop()));
 */
import { currentBankHolidays, refreshBankHolidays } from '../calendar-feed/bank-holidays-feed.ts';
import type { DirectoryService } from '../directory/directory-service.ts';
import type { GraphInbound } from '../graph/inbound.ts';
import type { MeetingTracker } from '../graph/meeting-tracker.ts';
import { type Logger, silentLogger } from '../log/index.ts';
import { type PollLoop, startPollLoop } from '../runtime/poll-loop.ts';
import type { Store } from '../store/open-store.ts';
import { checkpointWhereDue, pruneCardState, vacuumWhereDue } from '../store/operations/index.ts';

/** How often Graph housekeeping runs. Webhooks do the real-time work; these are the safety nets. */
export const DEFAULT_MAINTENANCE = {
  /** Subscriptions last at most 10,080 minutes; renewal looks for those expiring soon. */
  renewMs: 60 * 60_000,
  /** A failing mailbox's next try is due (each has its own backoff; this is only how often to look). */
  mailboxRetryMs: 15_000,
  /** Inbox delta and meeting-response polling, for notifications that never arrived. */
  catchUpMs: 15 * 60_000,
  managersMs: 24 * 60 * 60_000,
  /** GOV.UK publishes new years' holidays (and one-offs) months ahead; weekly is plenty. */
  bankHolidaysMs: 7 * 24 * 60 * 60_000,
  /** Card steps of ended disputes and delivery markers of done effects (see pruneCardState). */
  cardStatePruneMs: 24 * 60 * 60_000,
  /** PGlite's vacuum and checkpoint, when due: as often as autovacuum looks (autovacuum_naptime). */
  storeUpkeepMs: 60_000,
} as const;

/**
 * On PGlite, what PostgreSQL's autovacuum and checkpointer would do: each run vacuums or analyses
 * the tables that need it (`vacuumWhereDue`) and checkpoints when one is due (`checkpointWhereDue`).
 * Without it a PGlite store never gave back a deleted row's space, its queue claims slowed as the
 * queue's table grew, and its WAL grew past any bound. None on PostgreSQL: the server's own workers
 * do it there.
 */
export function startStoreUpkeep(options: {
  readonly store: Store;
  readonly log: Logger;
  readonly intervalMs?: number;
}): PollLoop | null {
  const { store, log } = options;
  if (store.engine !== 'pglite') return null;
  let first = true;
  return startPollLoop({
    name: 'store-upkeep',
    intervalMs: options.intervalMs ?? DEFAULT_MAINTENANCE.storeUpkeepMs,
    log,
    tick: async () => {
      // The first run one interval after start, not in the middle of it.
      if (first) {
        first = false;
        return 0;
      }
      const { vacuumed, analysed } = await vacuumWhereDue(store.db);
      const checkpointed = await checkpointWhereDue(store.db);
      if (vacuumed.length + analysed.length > 0 || checkpointed)
        log.debug({ vacuumed, analysed, checkpointed }, 'store upkeep');
      return 0;
    },
  });
}

export function startMaintenance(options: {
  readonly inbound: GraphInbound;
  readonly meetings: MeetingTracker;
  readonly directory: DirectoryService;
  readonly store: Store;
  readonly log: Logger;
  /** GOV.UK's feed is public; local mode has no internet, so only a cloud deployment refreshes it. */
  readonly cloud: boolean;
  readonly intervals?: Partial<typeof DEFAULT_MAINTENANCE>;
}): PollLoop[] {
  const { inbound, meetings, directory, store, log } = options;
  const m = { ...DEFAULT_MAINTENANCE, ...options.intervals };
  const every = (name: string, intervalMs: number, job: () => Promise<unknown>) =>
    startPollLoop({
      name,
      intervalMs,
      log,
      tick: async () => {
        await job();
        return 0;
      },
    });
  const loops = [
    every('graph-renew', m.renewMs, () => inbound.renewDue()),
    every('graph-mailbox-retry', m.mailboxRetryMs, () => inbound.retryDue()),
    every('graph-catch-up', m.catchUpMs, async () => {
      await inbound.catchUpAll();
      await meetings.poll();
    }),
    every('directory-managers', m.managersMs, () => warm('managers', () => directory.refreshManagers(), log)),
    every('card-state-prune', m.cardStatePruneMs, async () => {
      const pruned = await pruneCardState(store.db);
      if (pruned.steps + pruned.deliveries > 0) log.info(pruned, 'card bookkeeping pruned');
    }),
  ];
  const upkeep = startStoreUpkeep({ store, log, intervalMs: m.storeUpkeepMs });
  if (upkeep) loops.push(upkeep);
  if (options.cloud) {
    loops.push(
      every('bank-holidays', m.bankHolidaysMs, () =>
        warm(
          'bank-holidays',
          async () => {
            await refreshBankHolidays({ store });
            directory.useBankHolidays((await currentBankHolidays(store)).feed);
          },
          log,
        ),
      ),
    );
  }
  return loops;
}

/** Runs a Graph warm-up; a failure is logged and retried by the next run, never fatal at start. */
export async function warm(what: string, job: () => Promise<void>, log?: Logger): Promise<void> {
  try {
    await job();
  } catch (error) {
    (log ?? silentLogger()).warn(
      { what, error: error instanceof Error ? error.name : 'error' },
      'warm-up failed',
    );
  }
}
