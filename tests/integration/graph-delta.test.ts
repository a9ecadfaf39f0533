/**
 * Inbox delta against the local Microsoft 365, which answers as Outlook does: message delta's
 * documented query options only, created-only rounds, and delta tokens that expire (410
 * `SyncStateNotFound`).
 * - The first sync reads no history: only messages created since a week ago, listed by metadata.
 * - A message is read by headers first; only a reply on a dispute thread has its body read.
 * - An expired token: the link is dropped and the inbox synced again from the watermark, so a reply
 *   whose notification was lost is found, and one already fed is not fed twice.
 * - Junk Email has a delta link of its own: a reply filed there on delivery whose notification was
 *   lost is caught up too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, bundledCalendar } from '../../src/domain/calendar/index.ts';
import { DISPUTE_HEADER } from '../../src/graph/ids.ts';
import { stage1Email } from '../graph/effects.ts';
import { type GraphWorld, startGraphWorld } from '../graph/world.ts';

interface AdminMessage {
  id: string;
  subject: string;
  internetMessageHeaders: { name: string; value: string }[];
}

const MANAGER = 'team.manager@ane.example';
const COUNTERPART = 'team.manager@southtyneside.example';
const DAY = 86_400_000;
let w: GraphWorld;
let oldId = '';
let unrelatedId = '';
let syncStartedAt = 0;

const due = (() => {
  const d = addWorkingDays({
    calendar: bundledCalendar('england-and-wales'),
    from: new Date(),
    workingDays: 5,
  });
  return { due: d.due.toISOString(), dueDate: d.dueDate };
})();
const inbox = async (address: string) =>
  (await w.h.admin<{ value: AdminMessage[] }>('GET', `/mailboxes/${address}/messages?folder=inbox`)).value;
/** Graph requests that read one message of the manager's mailbox, with their `$select`. */
const readsOf = (id: string) =>
  w.h.m365.state.requests.filter(
    (r) => r.method === 'GET' && r.path.toLowerCase().endsWith(`/messages/${id.toLowerCase()}`),
  );
const replies = (disputeId: string) =>
  w.fed.filter((f) => f.disputeId === disputeId && f.event.type === 'reply-received');

beforeAll(async () => {
  w = await startGraphWorld({ startInbound: false });
  // Last month's mail in the manager's inbox: history the first sync must not read.
  await w.h.admin('POST', '/clock', { advanceMs: -30 * DAY });
  const old = await w.h.admin<AdminMessage>('POST', `/mailboxes/social.worker@gateshead.example/send`, {
    to: MANAGER,
    subject: 'Last month’s case notes',
    body: 'Private',
  });
  await w.h.admin('POST', '/clock', { advanceMs: 30 * DAY });
  // Today's mail that has nothing to do with a dispute.
  await w.h.admin('POST', `/mailboxes/social.worker@gateshead.example/send`, {
    to: MANAGER,
    subject: 'Rota for next week',
    body: 'Private too',
  });
  const byId = await inbox(MANAGER);
  oldId = (byId.find((m) => m.subject === old.subject) as AdminMessage).id;
  unrelatedId = (byId.find((m) => m.subject === 'Rota for next week') as AdminMessage).id;
  syncStartedAt = Date.now();
  await w.inbound.start();
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('first sync', () => {
  it('lists only messages created in the inbox in the last week, by metadata', () => {
    const first = w.h.m365.state.requests.find(
      (r) => r.path.toLowerCase().includes(MANAGER) && r.path.endsWith('/messages/delta'),
    );
    expect(first?.query).toContain('changeType=created');
    const since = /\$filter=receivedDateTime ge (\S+?)(&|$)/.exec(first?.query ?? '')?.[1] ?? '';
    expect(Math.abs(Date.parse(since) - (syncStartedAt - 7 * DAY))).toBeLessThan(60_000);
    expect(first?.query).toMatch(/\$select=id,isDraft,internetMessageId,conversationId,receivedDateTime/);
  });

  it('never reads last month’s mail, and reads today’s unrelated mail by headers only', () => {
    expect(readsOf(oldId)).toEqual([]);
    const reads = readsOf(unrelatedId);
    expect(reads).toHaveLength(1);
    expect(reads[0]?.query).toContain('internetMessageHeaders');
    expect(reads[0]?.query).not.toMatch(/body/i);
  });
});

describe('a reply on a dispute thread', () => {
  const disputeId = 'd-delta-1';

  it('is read by headers, then its body, and fed once', async () => {
    const effect = stage1Email(
      disputeId,
      w.person('ane-team-manager'),
      w.person('south-tyneside-team-manager'),
      due,
    );
    expect((await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 })).ok).toBe(true);
    const statement = (await inbox(COUNTERPART)).find((m) =>
      m.internetMessageHeaders.some((x) => x.name === DISPUTE_HEADER && x.value === disputeId),
    ) as AdminMessage;
    const reply = await w.h.admin<AdminMessage>(
      'POST',
      `/mailboxes/${COUNTERPART}/messages/${encodeURIComponent(statement.id)}/reply`,
      { comment: 'First answer: the funding panel meets on Friday.' },
    );
    await w.waitFor((f) => f.disputeId === disputeId && f.event.type === 'reply-received');
    const copy = (await inbox(MANAGER)).find((m) => m.subject === reply.subject) as AdminMessage;
    const reads = readsOf(copy.id);
    expect(reads).toHaveLength(2);
    expect(reads[0]?.query).not.toMatch(/body/i);
    expect(reads[1]?.query).toMatch(/\$select=id,body,uniqueBody/);
    expect(replies(disputeId)).toHaveLength(1);
  });

  it('after the delta token expires, a reply whose notification was lost is found once, the first not again', async () => {
    const statement = (await inbox(COUNTERPART)).find((m) =>
      m.internetMessageHeaders.some((x) => x.name === DISPUTE_HEADER && x.value === disputeId),
    ) as AdminMessage;
    await w.h.admin('POST', '/notifications/drop', { count: 1 });
    await w.h.admin('POST', `/mailboxes/${COUNTERPART}/messages/${encodeURIComponent(statement.id)}/reply`, {
      comment: 'Second answer: the panel agreed.',
    });
    await w.settle();
    expect(replies(disputeId)).toHaveLength(1);

    await w.h.admin('POST', `/mailboxes/${MANAGER}/delta/expire`);
    const result = await w.replies.catchUp(MANAGER);
    expect(result.resynced).toBe(true);
    expect(result.matched).toBe(1);
    const fed = replies(disputeId);
    expect(fed).toHaveLength(2);
    expect(fed.map((f) => (f.event as { text: string }).text)).toEqual([
      'First answer: the funding panel meets on Friday.',
      'Second answer: the panel agreed.',
    ]);
    // The new round starts from the watermark, not a week back.
    const rounds = w.h.m365.state.requests.filter(
      (r) =>
        r.path.toLowerCase().includes(MANAGER) &&
        r.path.toLowerCase().includes('inbox') &&
        r.path.endsWith('/messages/delta') &&
        r.query.includes('$filter'),
    );
    const last = /\$filter=receivedDateTime ge (\S+?)(&|$)/.exec(rounds.at(-1)?.query ?? '')?.[1] ?? '';
    expect(Date.parse(last)).toBeGreaterThan(syncStartedAt - 2 * 60 * 60_000);
    // And the fresh link works: nothing new, nothing fed again.
    const again = await w.replies.catchUp(MANAGER);
    expect(again).toMatchObject({ matched: 0, resynced: false });
    expect(replies(disputeId)).toHaveLength(2);
  });
});

describe('a reply filed in Junk Email', () => {
  const disputeId = 'd-delta-junk';

  it('whose notification was lost is caught up from the Junk Email folder’s own delta link', async () => {
    const effect = stage1Email(
      disputeId,
      w.person('ane-team-manager'),
      w.person('south-tyneside-team-manager'),
      due,
    );
    expect((await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 })).ok).toBe(true);
    const statement = (await inbox(COUNTERPART)).find((m) =>
      m.internetMessageHeaders.some((x) => x.name === DISPUTE_HEADER && x.value === disputeId),
    ) as AdminMessage;
    await w.h.admin('PUT', `/mailboxes/${MANAGER}/rules`, {
      rules: [{ from: COUNTERPART, moveTo: 'junkemail' }],
    });
    try {
      await w.h.admin('POST', '/notifications/drop', { count: 1 });
      await w.h.admin(
        'POST',
        `/mailboxes/${COUNTERPART}/messages/${encodeURIComponent(statement.id)}/reply`,
        {
          comment: 'Filed as junk: we agree.',
        },
      );
      await w.settle();
      expect(replies(disputeId)).toHaveLength(0);
      const result = await w.replies.catchUp(MANAGER);
      expect(result).toMatchObject({ matched: 1, resynced: false });
      expect(replies(disputeId).map((f) => (f.event as { text: string }).text)).toEqual([
        'Filed as junk: we agree.',
      ]);
      // Junk Email keeps a delta link of its own beside the Inbox's.
      expect(await w.subscriptionStore.deltaLink(`${MANAGER}/junkemail`)).toBeTruthy();
      const junkRounds = w.h.m365.state.requests.filter(
        (r) =>
          r.path.toLowerCase().includes(MANAGER) &&
          /mailFolders\('junkemail'\)\/messages\/delta/i.test(r.path),
      );
      expect(junkRounds.length).toBeGreaterThanOrEqual(1);
    } finally {
      await w.h.admin('PUT', `/mailboxes/${MANAGER}/rules`, { rules: [] });
    }
  });
});
