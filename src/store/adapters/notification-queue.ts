/**
 * A durable queue kept in the store, for src/graph/work-queue.ts: the Graph notification queue
 * (`graph_notifications`, migration 0006; the default) or the bot's reply outbox (`bot_replies`,
 * migration 0007). Every method is one store operation.
 *
 * `add` is a group commit: an add made while an earlier one's statement is running waits for it,
 * and then every add that waited meanwhile is stored by one multi-row statement
 * (`enqueueGraphNotificationGroups`). Each caller's promise settles once the statement that holds
 * its items has committed, so an ack that follows it is as durable as before; under a burst the
 * store sees a few statements a second instead of one per webhook request, and an add with nothing
 * before it is written at once.
 */
import { performance } from 'node:perf_hooks';
import type { NotificationStore } from '../../graph/work-queue.ts';
import type { Store } from '../open-store.ts';
import { deleteFinishedGraphNotifications } from '../operations/delete-finished-graph-notifications.ts';
import {
  type EnqueueItem,
  enqueueGraphNotificationGroups,
} from '../operations/enqueue-graph-notifications.ts';
import {
  claimGraphNotifications,
  countGraphNotifications,
  finishGraphNotification,
  renewGraphNotificationLeases,
} from '../operations/index.ts';
import type { QueueTableName } from '../schema.ts';

/** Rows one group-commit statement carries at most (4 parameters a row, well under 65,535). */
export const GROUP_COMMIT_MAX_ROWS = 1_000;
/**
 * The least time between the starts of two group-commit statements: at most 100 a second, however
 * many requests come (a PGlite statement costs this thread 1-2 ms however few rows it has). In the
 * bench's burst of 500 at 1,000/s on PGlite it made 28 statements instead of 120-220, and the main
 * thread's CPU per notification went from 1.3-1.6 ms to 0.7-0.8 ms (5 ms spacing: 0.8-0.9 ms).
 */
export const GROUP_COMMIT_SPACING_MS = 10;

export function createStoreNotificationQueue<J>(
  store: Pick<Store, 'db'>,
  table: QueueTableName = 'graph_notifications',
): NotificationStore<J> {
  const { db } = store;
  const add = groupCommit((groups, capacity) =>
    enqueueGraphNotificationGroups(db, { groups, capacity, table }),
  );
  const finishDone = finishTogether(async (workerId, finished) => {
    const deleted = new Set(await deleteFinishedGraphNotifications(db, { workerId, finished, table }));
    return finished.map((f) => deleted.has(f.key));
  });
  return {
    add,
    claim: async (workerId, now, leaseMs, limit) =>
      (await claimGraphNotifications(db, { workerId, now, leaseMs, limit, table })).map((row) => ({
        ...row,
        job: row.job as J,
      })),
    renew: (workerId, keys, now, leaseMs) =>
      renewGraphNotificationLeases(db, { workerId, keys, now, leaseMs, table }),
    async finish(key, workerId, generation, outcome) {
      // Done and unchanged is the common case: deleted with the others that finished meanwhile.
      if (outcome.kind === 'done' && (await finishDone(workerId, key, generation))) return 'deleted';
      return finishGraphNotification(db, { key, workerId, generation, outcome, table });
    },
    depth: () => countGraphNotifications(db, { table }),
  };
}

/**
 * Finishes asked for within one turn of the event loop (a claim's jobs end together when their
 * `$batch` answers) go to the store as one statement per worker; each caller learns whether its row
 * was deleted.
 */
function finishTogether(
  write: (workerId: string, finished: { key: string; generation: number }[]) => Promise<boolean[]>,
): (workerId: string, key: string, generation: number) => Promise<boolean> {
  type Asked = {
    key: string;
    generation: number;
    resolve: (ok: boolean) => void;
    reject: (e: unknown) => void;
  };
  const asked = new Map<string, Asked[]>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const [workerId, list] of asked) {
      asked.delete(workerId);
      write(
        workerId,
        list.map(({ key, generation }) => ({ key, generation })),
      ).then(
        (deleted) => {
          for (const [i, a] of list.entries()) a.resolve(deleted[i] ?? false);
        },
        (error: unknown) => {
          for (const a of list) a.reject(error);
        },
      );
    }
  };
  return (workerId, key, generation) =>
    new Promise((resolve, reject) => {
      const list = asked.get(workerId) ?? [];
      list.push({ key, generation, resolve, reject });
      asked.set(workerId, list);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

interface Waiting {
  readonly items: readonly EnqueueItem[];
  readonly now: Date;
  readonly capacity: number;
  readonly resolve: (outcome: 'queued' | 'full') => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One statement at a time, and a new one at most every `spacingMs`: the adds that arrive meanwhile
 * go together in the next one (up to `GROUP_COMMIT_MAX_ROWS` rows, and only adds with the same
 * capacity share a statement). An add with no statement in the last `spacingMs` is written after the
 * current turn of the event loop's I/O phase, so every request read in that turn shares it (PGlite
 * runs a statement on this thread: without the wait, none would ever overlap).
 */
export function groupCommit(
  write: (
    groups: readonly { items: readonly EnqueueItem[]; now: Date }[],
    capacity: number,
  ) => Promise<('queued' | 'full')[]>,
  spacingMs = GROUP_COMMIT_SPACING_MS,
): (items: readonly EnqueueItem[], capacity: number, now: Date) => Promise<'queued' | 'full'> {
  const waiting: Waiting[] = [];
  let writing = false;
  let scheduled = false;
  let lastStart = Number.NEGATIVE_INFINITY;

  function schedule(): void {
    if (writing || scheduled || waiting.length === 0) return;
    scheduled = true;
    const wait = lastStart + spacingMs - performance.now();
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  }

  async function run(): Promise<void> {
    scheduled = false;
    const capacity = (waiting[0] as Waiting).capacity;
    let rows = 0;
    let n = 0;
    while (n < waiting.length) {
      const next = waiting[n] as Waiting;
      if (next.capacity !== capacity) break;
      if (n > 0 && rows + next.items.length > GROUP_COMMIT_MAX_ROWS) break;
      rows += next.items.length;
      n++;
    }
    const taken = waiting.splice(0, n);
    writing = true;
    lastStart = performance.now();
    try {
      const outcomes = await write(
        taken.map((w) => ({ items: w.items, now: w.now })),
        capacity,
      );
      for (const [i, w] of taken.entries()) w.resolve(outcomes[i] ?? 'full');
    } catch (error) {
      for (const w of taken) w.reject(error);
    } finally {
      writing = false;
      schedule();
    }
  }

  return (items, capacity, now) =>
    new Promise((resolve, reject) => {
      waiting.push({ items, now, capacity, resolve, reject });
      schedule();
    });
}
