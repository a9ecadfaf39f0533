/**
 * The Graph notification queue kept in the store (`graph_notifications`, migration 0004), for
 * src/graph/work-queue.ts. Every method is one store operation.
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

export function createStoreNotificationQueue<J>(store: Pick<Store, 'db'>): NotificationStore<J> {
  const { db } = store;
  return {
    add: (items, capacity, now) => enqueueGraphNotifications(db, { items, capacity, now }),
    claim: async (workerId, now, leaseMs, limit) =>
      (await claimGraphNotifications(db, { workerId, now, leaseMs, limit })).map((row) => ({
        ...row,
        job: row.job as J,
      })),
    renew: (workerId, keys, now, leaseMs) =>
      renewGraphNotificationLeases(db, { workerId, keys, now, leaseMs }),
    finish: (key, workerId, generation, outcome) =>
      finishGraphNotification(db, { key, workerId, generation, outcome }),
    depth: () => countGraphNotifications(db),
  };
}
