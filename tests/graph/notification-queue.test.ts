/**
 * The Graph webhook's durable, bounded notification queue, on every store engine (PGlite, and
 * PostgreSQL when DATABASE_URL is set), over real HTTP through the production routes:
 * - the 202 is answered once the accepted notifications are stored, never after their work, even
 *   while a burst of work is running (the p99 of a 1,000-request burst stays well inside Graph's 3 s);
 * - a forged body of 10,000 items is refused in milliseconds and queues nothing;
 * - a full queue answers 503 with Retry-After (Microsoft's documented answer for "not queued");
 * - every accepted notification is worked on exactly once, across a worker that dies mid-job and a
 *   duplicate delivery, and one that arrives while its row is running is worked on again;
 * - requests that arrive together share one store statement (group commit) and the room left in
 *   the queue, in order, each wholly queued or refused;
 * - the worker's claims wait for the adds being stored (the acks first), but never beyond a bound.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { graphWebhookRoutes } from '../../src/app/graph-webhook-routes.ts';
import { jobKey } from '../../src/graph/inbound.ts';
import type { SubscriptionRecord } from '../../src/graph/ports.ts';
import { createGraphWebhooks, type GraphJob } from '../../src/graph/webhook.ts';
import {
  createWorkQueue,
  memoryNotificationStore,
  type NotificationStore,
  type WorkQueue,
} from '../../src/graph/work-queue.ts';
import { silentLogger } from '../../src/log/index.ts';
import { type ConcordServer, createServer } from '../../src/server/server.ts';
import { createStoreNotificationQueue } from '../../src/store/adapters/notification-queue.ts';
import type { Store } from '../../src/store/open-store.ts';
import { enqueueGraphNotificationGroups } from '../../src/store/operations/enqueue-graph-notifications.ts';
import { claimGraphNotifications, countGraphNotifications } from '../../src/store/operations/index.ts';
import { ENGINES } from '../store/engines.ts';

const INBOX: SubscriptionRecord = {
  id: 'sub-inbox',
  kind: 'inbox',
  mailbox: 'team.manager@ane.example',
  mailboxId: '0b7d6e3a-1111-4c2b-9a5e-3f1d2c4b5a69',
  resource: 'users/0b7d6e3a-1111-4c2b-9a5e-3f1d2c4b5a69/messages',
  clientState: 'the-shared-secret',
  expiresAt: '2027-01-10T00:00:00Z',
};

const item = (messageId: string, clientState = INBOX.clientState) => ({
  subscriptionId: INBOX.id,
  clientState,
  changeType: 'created',
  resource: `Users/${INBOX.mailboxId}/Messages/${messageId}`,
  resourceData: { id: messageId },
});

interface Rig {
  readonly store: Store;
  readonly queue: WorkQueue<GraphJob>;
  readonly base: string;
  /** Every job the worker finished, in order. */
  readonly worked: string[];
  post(body: unknown): Promise<{ status: number; retryAfter: string | null; ms: number }>;
  close(): Promise<void>;
}

async function rig(
  store: Store,
  options: {
    handle?: (job: GraphJob) => Promise<void>;
    capacity?: number;
    leaseMs?: number;
    pollMs?: number;
    start?: boolean;
  } = {},
): Promise<Rig> {
  const worked: string[] = [];
  const queue = createWorkQueue<GraphJob>({
    store: createStoreNotificationQueue<GraphJob>(store),
    keyOf: jobKey,
    handle: async (job) => {
      await options.handle?.(job);
      worked.push(job.kind === 'message' ? job.messageId : job.kind);
    },
    log: silentLogger(),
    retryDelayMs: 10,
    ...(options.capacity ? { capacity: options.capacity } : {}),
    leaseMs: options.leaseMs ?? 2_000,
    pollMs: options.pollMs ?? 50,
  });
  const webhooks = createGraphWebhooks({
    subscriptions: { find: async (id) => (id === INBOX.id ? INBOX : undefined) },
    enqueue: (jobs) => queue.add(jobs),
    log: silentLogger(),
  });
  const server: ConcordServer = createServer({ routes: graphWebhookRoutes({ webhooks }) });
  const base = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
  if (options.start !== false) queue.start();
  return {
    store,
    queue,
    base,
    worked,
    async post(body) {
      const started = performance.now();
      const response = await fetch(`${base}/api/graph/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.text();
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        ms: performance.now() - started,
      };
    },
    async close() {
      await queue.close();
      await server.close();
    },
  };
}

for (const engine of ENGINES) {
  describe(`the Graph notification queue (${engine.name})`, () => {
    const open: { store: Store; rigs: Rig[] }[] = [];
    async function fresh(options?: Parameters<typeof rig>[1]) {
      const store = await engine.open();
      const r = await rig(store, options);
      open.push({ store, rigs: [r] });
      return r;
    }
    afterEach(async () => {
      for (const { store, rigs } of open.splice(0)) {
        for (const r of rigs) await r.close();
        await store.close();
      }
    });
    afterAll(async () => {
      for (const { store } of open) await store.close();
    });

    it('answers 202 once stored, and works each accepted notification once', async () => {
      const r = await fresh();
      const res = await r.post({ value: [item('AAMk-1'), item('AAMk-2'), item('AAMk-1', 'forged')] });
      expect(res.status).toBe(202);
      await r.queue.idle();
      expect([...r.worked].sort()).toEqual(['AAMk-1', 'AAMk-2']);
      expect(await countGraphNotifications(r.store.db)).toBe(0);
    });

    it('a forged body of 10,000 items is refused in milliseconds and queues nothing', async () => {
      const r = await fresh({ start: false });
      const forged = {
        value: Array.from({ length: 10_000 }, (_, i) => ({
          subscriptionId: i % 3 ? INBOX.id : `s${i}`,
          clientState: i % 2 ? 'guess' : 'nope',
          resource: `Users/u/Messages/m${i}`,
        })),
      };
      const res = await r.post(forged);
      expect(res.status).toBe(202);
      // About 20 ms on a quiet machine (it was 2.4 s when every item logged a line).
      expect(res.ms).toBeLessThan(1_000);
      expect(await countGraphNotifications(r.store.db)).toBe(0);
    });

    it('a full queue answers 503 with Retry-After and grows no further; Graph’s retry is taken once there is room', async () => {
      const r = await fresh({ capacity: 5, start: false });
      expect((await r.post({ value: [1, 2, 3, 4].map((i) => item(`AAMk-${i}`)) })).status).toBe(202);
      const refused = await r.post({ value: [item('AAMk-5'), item('AAMk-6')] });
      expect(refused.status).toBe(503);
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      expect(await countGraphNotifications(r.store.db)).toBe(4);
      r.queue.start();
      await r.queue.idle();
      // Graph delivers the refused batch again after Retry-After.
      expect((await r.post({ value: [item('AAMk-5'), item('AAMk-6')] })).status).toBe(202);
      await r.queue.idle();
      expect([...r.worked].sort()).toEqual(['AAMk-1', 'AAMk-2', 'AAMk-3', 'AAMk-4', 'AAMk-5', 'AAMk-6']);
    });

    it('a duplicate delivery while queued is worked once; one that arrives while running is worked again', async () => {
      let release: (() => void) | undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const r = await fresh({
        start: false,
        handle: async (job) => {
          if (job.kind === 'message' && job.messageId === 'AAMk-slow' && r.worked.length === 0) await gate;
        },
      });
      expect((await r.post({ value: [item('AAMk-slow')] })).status).toBe(202);
      expect((await r.post({ value: [item('AAMk-slow')] })).status).toBe(202);
      expect(await countGraphNotifications(r.store.db)).toBe(1);
      r.queue.start();
      // While the first run waits, the message changes again and Graph says so.
      await sleep(200);
      expect((await r.post({ value: [item('AAMk-slow')] })).status).toBe(202);
      release?.();
      await r.queue.idle();
      expect(r.worked).toEqual(['AAMk-slow', 'AAMk-slow']);
    });

    it('a worker that dies mid-job leaves the row to the next worker, which works it once', async () => {
      const r = await fresh({ start: false, leaseMs: 500 });
      expect((await r.post({ value: [item('AAMk-crash'), item('AAMk-ok')] })).status).toBe(202);
      // A process claims both and is killed before finishing either (no heartbeat renews its lease).
      const dead = await claimGraphNotifications(r.store.db, {
        workerId: 'killed-process',
        now: new Date(),
        leaseMs: 500,
        limit: 10,
      });
      expect(dead).toHaveLength(2);
      r.queue.start();
      await sleep(100);
      expect(r.worked).toEqual([]);
      await r.queue.idle();
      expect([...r.worked].sort()).toEqual(['AAMk-crash', 'AAMk-ok']);
      expect(await countGraphNotifications(r.store.db)).toBe(0);
    });

    it('requests that arrive together are stored together, each wholly or not at all, in the order they came', async () => {
      const r = await fresh({ capacity: 5, start: false });
      // Sent at once, so they share one group-commit statement: room for 5 holds the first two.
      const answers = await Promise.all([
        r.post({ value: [item('AAMk-a1'), item('AAMk-a2')] }),
        r.post({ value: [item('AAMk-b1'), item('AAMk-b2'), item('AAMk-a1')] }),
        r.post({ value: [item('AAMk-c1'), item('AAMk-c2')] }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([202, 202, 503]);
      expect(await countGraphNotifications(r.store.db)).toBe(4);
      r.queue.start();
      await r.queue.idle();
      // AAMk-a1, named by two of them, is worked once; the refused request's items not at all.
      expect(r.worked.filter((id) => id === 'AAMk-a1')).toHaveLength(1);
      expect([...r.worked].sort()).toEqual(['AAMk-a1', 'AAMk-a2', 'AAMk-b1', 'AAMk-b2']);
    });

    it('groups of one statement: a group is refused when it and those before it overflow the room, and a key of several groups is stored once', async () => {
      const store = await engine.open();
      open.push({ store, rigs: [] });
      const now = new Date();
      const job = (id: string) => ({
        key: `message|m|${id}`,
        job: { kind: 'message', mailbox: 'm', messageId: id },
      });
      expect(
        await enqueueGraphNotificationGroups(store.db, {
          groups: [
            { items: [job('1'), job('2')], now },
            { items: [job('2')], now },
            { items: [job('3'), job('4')], now },
            { items: [job('5')], now },
          ],
          capacity: 3,
        }),
      ).toEqual(['queued', 'queued', 'full', 'full']);
      expect(await countGraphNotifications(store.db)).toBe(2);
      // A key already queued is folded in (its generation bumped), and still counts against the room.
      expect(
        await enqueueGraphNotificationGroups(store.db, { groups: [{ items: [job('1')], now }], capacity: 3 }),
      ).toEqual(['queued']);
      const [row] = await claimGraphNotifications(store.db, { workerId: 'w', now, leaseMs: 1_000, limit: 1 });
      expect(row).toMatchObject({ key: 'message|m|1', generation: 2 });
    });

    it('the 202 never waits for work: a 1,000-request burst (200 valid) while every job is slow', async () => {
      const r = await fresh({
        handle: async () => {
          // Each job holds the event loop for 5 ms and then waits on I/O for 20 ms.
          const until = performance.now() + 5;
          while (performance.now() < until) {}
          await sleep(20);
        },
      });
      const requests = Array.from({ length: 1_000 }, (_, i) =>
        i % 5 === 0 ? { value: [item(`AAMk-${i}`)] } : { value: [item(`AAMk-${i}`, 'forged')] },
      );
      const timings: number[] = [];
      // 20 in flight at a time, as Graph's senders would.
      let next = 0;
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (next < requests.length) {
            const body = requests[next++];
            const res = await r.post(body);
            expect(res.status).toBe(202);
            timings.push(res.ms);
          }
        }),
      );
      timings.sort((a, b) => a - b);
      const p99 = timings[Math.floor(timings.length * 0.99)] ?? Number.POSITIVE_INFINITY;
      const p50 = timings[Math.floor(timings.length * 0.5)] ?? Number.POSITIVE_INFINITY;
      console.log(`burst on ${engine.name}: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`);
      // Graph waits about 3 s before it retries and starts throttling; it was 3.7 s at p99 before.
      expect(p99).toBeLessThan(3_000);
      await r.queue.idle();
      expect(r.worked).toHaveLength(200);
      expect(new Set(r.worked).size).toBe(200);
    }, 120_000);
  });
}

describe('the work queue makes way for the acks', () => {
  /** A memory queue whose adds wait for `release` while `gated`. */
  function gatedStore() {
    const memory = memoryNotificationStore<string>();
    let release: () => void = () => {};
    let gated = false;
    const store: NotificationStore<string> = {
      ...memory,
      async add(items, capacity, now) {
        const outcome = await memory.add(items, capacity, now);
        if (gated) await new Promise<void>((resolve) => (release = resolve));
        return outcome;
      },
    };
    return {
      store,
      gate: () => {
        gated = true;
      },
      open: () => {
        gated = false;
        release();
      },
    };
  }

  /** A queue over a gated store, recording the jobs it works. */
  function gatedQueue(makeWayMs: number) {
    const g = gatedStore();
    const worked: string[] = [];
    const queue = createWorkQueue<string>({
      store: g.store,
      keyOf: (job) => job,
      handle: async (job) => {
        worked.push(job);
      },
      log: silentLogger(),
      pollMs: 20,
      makeWayMs,
    });
    return { g, worked, queue };
  }

  it('a claim waits while an add is being stored, and goes once it is', async () => {
    const { g, worked, queue } = gatedQueue(5_000);
    try {
      g.gate();
      const adding = queue.add(['first']);
      queue.start();
      await sleep(150);
      // 'first' is in the queue, but its add (the webhook's ack) has not finished: no claim yet.
      expect(worked).toEqual([]);
      g.open();
      expect(await adding).toBe('queued');
      await queue.idle();
      expect(worked).toEqual(['first']);
    } finally {
      await queue.close();
    }
  });

  it('a claim waits no longer than makeWayMs, however long the adds take', async () => {
    const { g, worked, queue } = gatedQueue(100);
    try {
      g.gate();
      const started = performance.now();
      const adding = queue.add(['stuck']);
      queue.start();
      while (worked.length === 0 && performance.now() - started < 5_000) await sleep(10);
      expect(worked).toEqual(['stuck']);
      expect(performance.now() - started).toBeGreaterThanOrEqual(90);
      g.open();
      await adding;
    } finally {
      await queue.close();
    }
  });
});
