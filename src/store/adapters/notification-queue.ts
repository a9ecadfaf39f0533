/**
 * A durable queue kept in the store, for src/graph/work-queue.ts: the Graph notification queue
 * (`graph_notifications`, migration 0004; the default) or the bot's reply outbox (`bot_replies`,
 * migration 0005). Every method is one store operation.
 */
import type { NotificationStore } from '../../graph/work-queue.ts';
import type { Store } from '../open-store.ts';
import {
  claimGraphNotifications,
  countGraphNotifications,
  enqueueGraphNotifications,
  finishGraphNotification,
  renewGraphNotificationLeases,
} from '../operations/index.ts';
import type { QueueTableName } from '../schema.ts';

export function createStoreNotificationQueue<J>(
  store: Pick<Store, 'db'>,
  table: QueueTableName = 'graph_notifications',
): NotificationStore<J> {
  const { db } = store;
  return {
    add: (items, capacity, now) => enqueueGraphNotifications(db, { items, capacity, now, table }),
    claim: async (workerId, now, leaseMs, limit) =>
      (await claimGraphNotifications(db, { workerId, now, leaseMs, limit, table })).map((row) => ({
        ...row,
        job: row.job as J,
      })),
    renew: (workerId, keys, now, leaseMs) =>
      renewGraphNotificationLeases(db, { workerId, keys, now, leaseMs, table }),
    finish: (key, workerId, generation, outcome) =>
      finishGraphNotification(db, { key, workerId, generation, outcome, table }),
    depth: () => countGraphNotifications(db, { table }),
  };
}
