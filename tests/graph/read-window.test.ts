/**
 * The shared read window (`src/graph/inbound.ts`) as the webhook feeds it: notifications that
 * arrive together are read in one `$batch`, however many there are up to a batch's 20. Each job waits
 * for the window, so the work queue must run enough jobs at once for them all to be in it: with the
 * queue's default of 4, a burst of 8 (five attendees answering, and the invitations Exchange delivers
 * to the host attendees) was read in two `$batch`es, and 20 in five.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchRequest, BatchResponse, GraphBatch } from '../../src/graph/batch.ts';
import { createGraphInbound, type GraphInbound } from '../../src/graph/inbound.ts';
import type { MeetingTracker } from '../../src/graph/meeting-tracker.ts';
import type { SubscriptionRecord } from '../../src/graph/ports.ts';
import type { MessageRef, ReplyTracker } from '../../src/graph/reply-tracker.ts';
import type { SubscriptionManager } from '../../src/graph/subscriptions.ts';
import { silentLogger } from '../../src/log/index.ts';

const MAILBOXES = ['team.manager@ane.example', 'service.manager@ane.example', 'head.of.service@ane.example'];
const RECORDS: SubscriptionRecord[] = MAILBOXES.map((mailbox, i) => ({
  id: `sub-${i}`,
  kind: 'inbox',
  mailbox,
  mailboxId: `0b7d6e3a-1111-4c2b-9a5e-3f1d2c4b5a6${i}`,
  resource: `users/0b7d6e3a-1111-4c2b-9a5e-3f1d2c4b5a6${i}/messages`,
  clientState: `secret-${i}`,
  expiresAt: '2099-01-01T00:00:00Z',
}));

let inbound: GraphInbound | undefined;
afterEach(async () => {
  await inbound?.close();
  inbound = undefined;
});

/** An inbound whose reads are counted: each `$batch` and the message ids it carried. */
function counted() {
  const batches: string[][] = [];
  const read: MessageRef[] = [];
  const batch = {
    run: async (requests: readonly BatchRequest[]) => {
      batches.push(requests.map((r) => r.url));
      return new Map<string, BatchResponse>(
        requests.map((r) => [r.id, { id: r.id, status: 200, headers: {}, body: {} }]),
      );
    },
  } as unknown as GraphBatch;
  const replies = {
    planAcross: (refs: readonly MessageRef[]) => ({
      requests: refs.map((r, i) => ({
        id: String(i),
        method: 'GET' as const,
        url: `/users/${r.mailbox}/messages/${r.messageId}`,
      })),
      finish: async () => {
        read.push(...refs);
        return { matched: 0, ignored: refs.length };
      },
    }),
  } as unknown as ReplyTracker;
  const meetings = {
    planEvents: async () => ({ requests: [], finish: async () => 0 }),
  } as unknown as MeetingTracker;
  const subscriptions = {
    find: async (id: string) => RECORDS.find((r) => r.id === id),
    load: async () => {},
  } as unknown as SubscriptionManager;
  inbound = createGraphInbound({
    subscriptions,
    replies,
    meetings,
    batch,
    watchedMailboxes: () => [],
    log: silentLogger(),
    queueOptions: { pollMs: 20 },
  });
  inbound.queue.start();
  return { inbound, batches, read };
}

/** One webhook delivery of `count` new messages spread over the three mailboxes. */
function delivery(count: number, prefix: string) {
  return {
    value: Array.from({ length: count }, (_, i) => {
      const record = RECORDS[i % RECORDS.length] as SubscriptionRecord;
      const id = `${prefix}-${i}`;
      return {
        subscriptionId: record.id,
        clientState: record.clientState,
        changeType: 'created',
        resource: `Users/${record.mailboxId}/Messages/${id}`,
        resourceData: { id },
      };
    }),
  };
}

describe('the read window, fed through the webhook and the work queue', () => {
  it('reads 8 notifications that arrive together in one $batch', async () => {
    const w = counted();
    const answer = await w.inbound.webhooks.handleNotification(delivery(8, 'burst'), {});
    expect(answer.status).toBe(202);
    await w.inbound.queue.idle();
    expect(w.read).toHaveLength(8);
    expect(w.batches.map((b) => b.length)).toEqual([8]);
  });

  it('reads 20 in one $batch, and the 21st in the next', async () => {
    const w = counted();
    await w.inbound.webhooks.handleNotification(delivery(21, 'many'), {});
    await w.inbound.queue.idle();
    expect(w.read).toHaveLength(21);
    expect(w.batches.map((b) => b.length)).toEqual([20, 1]);
  });
});
