/**
 * Where local mode's turn replies wait for delivery (the `NotificationStore` behind the reply
 * outbox's work queue): in memory while they are on their way, in the store (`bot_replies`) once a
 * delivery has failed.
 *
 * - A reply is added in memory, so a turn that writes nothing (help, my disputes) sends no statement
 *   for its reply, and the worker delivers it straight after the turn is answered (as cloud mode's
 *   botbuilder sends it during the turn).
 * - A delivery that fails (the serviceUrl refuses) is written to the store's outbox with the time of
 *   its next attempt, and retried from there with the queue's full retries: it survives a restart,
 *   as every reply did when all of them went through the store first.
 * - While the store holds replies (and at start, when an earlier process may have left some), new
 *   replies go to the store too, behind them, so a chat's replies keep their order; once the store's
 *   outbox is found empty, replies are kept in memory again.
 * - What is lost when the process stops: only the replies of the last few milliseconds' turns whose
 *   first delivery had not finished; in cloud mode, too, a reply is sent during its turn or not.
 */
import { memoryNotificationStore, type NotificationStore, type QueuedJob } from '../graph/work-queue.ts';

export function createReplyOutboxStore<J>(
  durable: NotificationStore<J>,
  options: { readonly capacity: number },
): NotificationStore<J> {
  const memory = memoryNotificationStore<J>();
  /** Replies claimed from memory, by key (their renew and finish go there). */
  const inMemory = new Map<string, J>();
  /** The store may hold replies: unknown at start. */
  let spilled = true;
  /** Store writes begun (and still running) by this process, so `spilled` is cleared only safely. */
  let storeWrites = 0;
  let storeWritesRunning = 0;
  /** The latest first-attempt time given to a stored reply: later ones are due no earlier. */
  let lastDueMs = 0;

  const toStore = async (items: readonly { key: string; job: J }[], capacity: number, at: Date) => {
    spilled = true;
    storeWrites++;
    storeWritesRunning++;
    lastDueMs = Math.max(lastDueMs, at.getTime());
    try {
      return await durable.add(items, capacity, new Date(lastDueMs));
    } finally {
      storeWritesRunning--;
    }
  };

  return {
    async add(items, capacity, now) {
      if (spilled) return toStore(items, capacity, now);
      return memory.add(items, capacity, now);
    },
    async claim(workerId, now, leaseMs, limit) {
      const out: QueuedJob<J>[] = [];
      if (spilled) {
        const writes = storeWrites;
        out.push(...(await durable.claim(workerId, now, leaseMs, limit)));
        if (
          out.length === 0 &&
          (await durable.depth()) === 0 &&
          storeWritesRunning === 0 &&
          writes === storeWrites
        )
          spilled = false;
      }
      if (out.length < limit) {
        const fresh = await memory.claim(workerId, now, leaseMs, limit - out.length);
        for (const item of fresh) inMemory.set(item.key, item.job);
        out.push(...fresh);
      }
      return out;
    },
    async renew(workerId, keys, now, leaseMs) {
      const mem = keys.filter((k) => inMemory.has(k));
      const stored = keys.filter((k) => !inMemory.has(k));
      return [
        ...(await memory.renew(workerId, mem, now, leaseMs)),
        ...(stored.length > 0 ? await durable.renew(workerId, stored, now, leaseMs) : []),
      ];
    },
    async finish(key, workerId, generation, outcome) {
      if (!inMemory.has(key)) return durable.finish(key, workerId, generation, outcome);
      if (outcome.kind === 'retry') {
        // Written before it leaves memory: if the store refuses, the memory claim's lease runs out
        // and the reply is tried again from memory.
        const job = inMemory.get(key) as J;
        const stored = await toStore([{ key, job }], options.capacity, outcome.nextAttemptAt);
        if (stored === 'full') throw new Error('the reply outbox is full');
      }
      inMemory.delete(key);
      return memory.finish(key, workerId, generation, outcome.kind === 'retry' ? { kind: 'drop' } : outcome);
    },
    async depth() {
      return (await memory.depth()) + (await durable.depth());
    },
  };
}
