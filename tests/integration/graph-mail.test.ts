/**
 * Mail and replies against the local Microsoft 365: a Stage 1 email, the counterpart's reply fed back
 * by webhook and by delta after a dropped notification, the acknowledgement on the thread, idempotent
 * sending, and the webhook's refusals (wrong clientState, forged mailbox).
 */
import { DEFAULT_FAULTS } from '@concord/m365-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, bundledCalendar } from '../../src/domain/calendar/index.ts';
import { createGraphEffectPerformer } from '../../src/graph/graph-performer.ts';
import { DISPUTE_HEADER, EFFECT_KEY_PROPERTY, IMMUTABLE_IDS } from '../../src/graph/ids.ts';
import { createGraphMail } from '../../src/graph/mail.ts';
import { acknowledgement, stage1Email } from '../graph/effects.ts';
import { log } from '../graph/harness.ts';
import { type GraphWorld, startGraphWorld } from '../graph/world.ts';

interface AdminMessage {
  id: string;
  subject: string;
  importance: string;
  internetMessageId: string;
  conversationId: string;
  folder: string;
  text: string;
  from: { emailAddress: { address: string } };
  toRecipients: { emailAddress: { address: string } }[];
  internetMessageHeaders: { name: string; value: string }[];
}

let w: GraphWorld;
const counterpart = 'team.manager@gateshead.example';
const due = (() => {
  const d = addWorkingDays({
    calendar: bundledCalendar('england-and-wales'),
    from: new Date(),
    workingDays: 5,
  });
  return { due: d.due.toISOString(), dueDate: d.dueDate };
})();

beforeAll(async () => {
  w = await startGraphWorld();
}, 30_000);
afterAll(async () => {
  await w?.close();
});

const inbox = async (address: string) =>
  (await w.h.admin<{ value: AdminMessage[] }>('GET', `/mailboxes/${address}/messages?folder=inbox`)).value;
const header = (m: AdminMessage, name: string) =>
  m.internetMessageHeaders.find((x) => x.name.toLowerCase() === name.toLowerCase())?.value;

/**
 * Sends the Stage 1 statement from the ANE Team Manager to `counterpartId` (mailbox `to`), has the
 * counterpart reply on the thread, and returns the reply and the acknowledgement effect that answers it.
 */
async function statementAnswered(disputeId: string, counterpartId: string, to: string) {
  const statement = stage1Email(disputeId, w.person('ane-team-manager'), w.person(counterpartId), due);
  expect((await w.performer.perform(statement, { key: statement.key, disputeId, attempt: 1 })).ok).toBe(true);
  const original = (await inbox(to)).find((m) => header(m, DISPUTE_HEADER) === disputeId) as AdminMessage;
  const reply = await w.h.admin<AdminMessage>(
    'POST',
    `/mailboxes/${to}/messages/${encodeURIComponent(original.id)}/reply`,
    { comment: 'Agreed.' },
  );
  const ack = acknowledgement(disputeId, w.person('ane-team-manager'), w.person(counterpartId), reply);
  return { reply, ack };
}

describe('Stage 1 email', () => {
  const disputeId = 'd-mail-1';
  let statement: AdminMessage;

  it('arrives in the counterpart’s mailbox: high importance, from the Team Manager, tagged', async () => {
    const effect = stage1Email(
      disputeId,
      w.person('ane-team-manager'),
      w.person('gateshead-team-manager'),
      due,
    );
    const result = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.events?.[0]).toMatchObject({
      type: 'message-sent',
      effectKey: effect.key,
      kind: 'statement',
    });

    const received = (await inbox(counterpart)).filter((m) => m.subject.includes('ANE-2026-0042'));
    expect(received).toHaveLength(1);
    statement = received[0] as AdminMessage;
    expect(statement.importance).toBe('high');
    expect(statement.from.emailAddress.address).toBe('team.manager@ane.example');
    expect(statement.toRecipients.map((r) => r.emailAddress.address)).toEqual([counterpart]);
    expect(header(statement, DISPUTE_HEADER)).toBe(disputeId);
    expect(statement.text).toMatch(/Please respond by \w+day \d+ \w+ \d{4} \(within 5 working days\)\./);
    const sentEvent = result.events?.[0] as { internetMessageId: string } | undefined;
    expect(statement.internetMessageId).toBe(sentEvent?.internetMessageId);

    // The extended property is a MAPI property: it stays on the sender's copy (Sent Items).
    const sent = (await w.h.graph.api
      .api('/users/team.manager@ane.example/mailFolders/sentitems/messages')
      .headers({ Prefer: IMMUTABLE_IDS })
      .filter(`internetMessageId eq '${statement.internetMessageId}'`)
      .select('id,body')
      .expand(`singleValueExtendedProperties($filter=id eq '${EFFECT_KEY_PROPERTY}')`)
      .get()) as {
      value: { body: { content: string }; singleValueExtendedProperties?: { id: string; value: string }[] }[];
    };
    expect(sent.value).toHaveLength(1);
    expect(sent.value[0]?.singleValueExtendedProperties?.[0]?.value).toBe(effect.key);
    expect(sent.value[0]?.body.content).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(sent.value[0]?.body.content).not.toContain('<script>');
  });

  it('performing the same effect again (a crash before it was marked done) sends nothing more', async () => {
    const effect = stage1Email(
      disputeId,
      w.person('ane-team-manager'),
      w.person('gateshead-team-manager'),
      due,
    );
    const again = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 2 });
    expect(again.ok && again.events?.[0]).toMatchObject({ internetMessageId: statement.internetMessageId });
    expect((await inbox(counterpart)).filter((m) => m.subject.includes('ANE-2026-0042'))).toHaveLength(1);
  });

  it('a send that failed after the draft was made finishes that draft on retry', async () => {
    const id = 'd-mail-2';
    const effect = stage1Email(
      id,
      w.person('ane-team-manager'),
      w.person('north-tyneside-team-manager'),
      due,
    );
    await w.h.admin('POST', '/faults/fail-next', {
      status: 503,
      // The send's in-process retries (3) all meet it; the outbox's retry does not.
      count: 4,
      pathContains: '/send',
      method: 'POST',
    });
    const first = await w.performer.perform(effect, { key: effect.key, disputeId: id, attempt: 1 });
    expect(first).toMatchObject({ ok: false, retryable: true });
    // The retry runs in a process that did not see the refusal (a restart, another instance). A
    // draft moments old may still be on its way (send is asynchronous): not sent again yet.
    const restarted = createGraphEffectPerformer({
      mail: createGraphMail({ client: w.h.graph.api, log, batch: w.batch }),
      meetings: w.booker,
      index: w.messageIndex,
      log,
    });
    const soon = await restarted.perform(effect, { key: effect.key, disputeId: id, attempt: 2 });
    expect(soon).toMatchObject({ ok: false, retryable: true });
    expect((soon as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(60_000);
    // Three minutes later on Exchange's clock, the draft is one nothing sent.
    await w.h.admin('POST', '/clock', { advanceMs: 3 * 60_000 });
    const second = await restarted.perform(effect, { key: effect.key, disputeId: id, attempt: 3 });
    expect(second.ok).toBe(true);
    await w.h.m365.notifier.idle();
    const got = (await inbox('team.manager@northtyneside.example')).filter(
      (m) => header(m, DISPUTE_HEADER) === id,
    );
    expect(got).toHaveLength(1);
    const drafts = (
      await w.h.admin<{ value: AdminMessage[] }>(
        'GET',
        '/mailboxes/team.manager@ane.example/messages?folder=drafts',
      )
    ).value;
    expect(drafts.filter((m) => header(m, DISPUTE_HEADER) === id)).toHaveLength(0);
  });

  it('the counterpart’s reply comes back through the webhook as reply-received, quoted history stripped', async () => {
    const reply = await w.h.admin<AdminMessage>(
      'POST',
      `/mailboxes/${counterpart}/messages/${encodeURIComponent(statement.id)}/reply`,
      { comment: 'We will review the funding decision by Friday 4 December (SMART action: TM Gateshead).' },
    );
    const fed = await w.waitFor((f) => f.event.type === 'reply-received' && f.disputeId === disputeId);
    expect(fed.source).toBe('email');
    expect(fed.event).toMatchObject({
      type: 'reply-received',
      internetMessageId: reply.internetMessageId,
      fromEmail: counterpart,
      text: 'We will review the funding decision by Friday 4 December (SMART action: TM Gateshead).',
    });
    expect(w.webhookHits.some((h) => h.path === '/api/graph/notifications' && h.status === 202)).toBe(true);
  });

  it('the acknowledgement goes on the thread (createReply), so In-Reply-To names the reply', async () => {
    const reply = w.fed.find((f) => f.event.type === 'reply-received' && f.disputeId === disputeId)
      ?.event as {
      internetMessageId: string;
      conversationId?: string;
    };
    const effect = acknowledgement(
      disputeId,
      w.person('ane-team-manager'),
      w.person('gateshead-team-manager'),
      reply,
    );
    const before = w.h.m365.state.requests.length;
    const result = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
    expect(result.ok).toBe(true);
    // The reply was matched here, so its id is known: no look-up by internetMessageId, and the tag
    // and the send go in one sequential $batch.
    const made = w.h.m365.state.requests.slice(before).filter((r) => !r.batched);
    expect(made.map((r) => `${r.method} ${r.path.replace(/messages\/[^/]+/, 'messages/{id}')}`)).toEqual([
      'POST /users/team.manager@ane.example/messages/{id}/createReply',
      'POST /$batch',
    ]);
    const ack = (await inbox(counterpart)).find(
      (m) => header(m, DISPUTE_HEADER) === disputeId && m.subject.startsWith('RE:'),
    );
    expect(ack).toBeDefined();
    expect(ack?.importance).toBe('high');
    expect(header(ack as AdminMessage, 'In-Reply-To')).toBe(reply.internetMessageId);
    expect(header(ack as AdminMessage, 'References')).toContain(statement.internetMessageId);
    expect(ack?.conversationId).toBe(statement.conversationId);
  });
});

describe('a known message that is gone', () => {
  it('is looked up by internetMessageId once createReply answers 404, and the reply still threads', async () => {
    const disputeId = 'd-mail-known-gone';
    const statement = stage1Email(
      disputeId,
      w.person('ane-team-manager'),
      w.person('gateshead-team-manager'),
      due,
    );
    const first = await w.performer.perform(statement, { key: statement.key, disputeId, attempt: 1 });
    expect(first.ok).toBe(true);
    const original = (await inbox(counterpart)).find((m) => header(m, DISPUTE_HEADER) === disputeId);
    const reply = await w.h.admin<AdminMessage>(
      'POST',
      `/mailboxes/${counterpart}/messages/${encodeURIComponent(original?.id ?? '')}/reply`,
      { comment: 'Agreed.' },
    );
    // An id Concord remembers for the reply that names nothing in the mailbox (the message is gone):
    // here the id of the counterpart's own copy, which is not an item of the Team Manager's mailbox.
    w.knownMessages.remember('team.manager@ane.example', reply.internetMessageId ?? '', { id: reply.id });
    const effect = acknowledgement(
      disputeId,
      w.person('ane-team-manager'),
      w.person('gateshead-team-manager'),
      { internetMessageId: reply.internetMessageId ?? '' },
    );
    const n0 = w.h.m365.state.requests.length;
    const result = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
    expect(result.ok).toBe(true);
    // createReply on the remembered id (404), the look-up, createReply on the id it found, the batch.
    expect(
      w.h.m365.state.requests
        .slice(n0)
        .filter((r) => !r.batched)
        .map((r) => `${r.method} ${r.path.split('/').at(-1)}`),
    ).toEqual(['POST createReply', 'GET messages', 'POST createReply', 'POST $batch']);
    const ack = (await inbox(counterpart)).find(
      (m) => header(m, DISPUTE_HEADER) === disputeId && m.subject.startsWith('RE:'),
    );
    expect(header(ack as AdminMessage, 'In-Reply-To')).toBe(reply.internetMessageId);
  });
});

describe('a Message-ID with `+` in it (as Gmail makes them)', () => {
  it('is found by $filter, so the acknowledgement goes on the thread', async () => {
    const disputeId = 'd-mail-gmail';
    // Graph decodes a query string strictly: an unencoded `+` is a space and would match nothing.
    const gmailId = '<CAJ+x9Fq=Zk_3w+a@mail.gmail.com>';
    await w.h.admin('POST', `/mailboxes/${counterpart}/send`, {
      to: ['team.manager@ane.example'],
      subject: 'ANE-2026-0042: our reply',
      body: 'We agree to meet.',
      internetMessageId: gmailId,
    });
    const effect = acknowledgement(
      disputeId,
      w.person('ane-team-manager'),
      w.person('gateshead-team-manager'),
      {
        internetMessageId: gmailId,
      },
    );
    const result = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
    expect(result.ok).toBe(true);
    const ack = (await inbox(counterpart)).find((m) => header(m, DISPUTE_HEADER) === disputeId);
    expect(header(ack as AdminMessage, 'In-Reply-To')).toBe(gmailId);
  });
});

describe('send is asynchronous (Sent Items a moment later)', () => {
  const sent = async (address: string, disputeId: string) =>
    (await inbox(address)).filter((m) => header(m, DISPUTE_HEADER) === disputeId);

  /** Runs `steps` while a sent email takes 1.5 s to leave Drafts and the next send's answer is lost. */
  async function withLostSendAnswer(steps: () => Promise<void>) {
    await w.h.admin('PUT', '/faults', { sendDelayMs: 1500 });
    // Exchange accepts the send, then the gateway loses the answer.
    await w.h.admin('POST', '/faults/fail-next', {
      status: 504,
      count: 1,
      pathContains: '/send',
      method: 'POST',
      afterApplying: true,
    });
    try {
      await steps();
    } finally {
      await w.h.admin('PUT', '/faults', { sendDelayMs: DEFAULT_FAULTS.sendDelayMs });
    }
  }

  it('a retry after a lost answer to send finds the draft still a draft and does not send it again', async () => {
    const disputeId = 'd-mail-async';
    const to = 'team.manager@newcastle.example';
    const effect = stage1Email(
      disputeId,
      w.person('ane-team-manager'),
      w.person('newcastle-team-manager'),
      due,
    );
    await withLostSendAnswer(async () => {
      const first = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
      expect(first).toMatchObject({ ok: false, retryable: true });
      const retry = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 2 });
      expect(retry).toMatchObject({ ok: false, retryable: true });
      await new Promise((r) => setTimeout(r, 1800));
      const later = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 3 });
      expect(later.ok && later.events?.[0]).toMatchObject({ type: 'message-sent' });
      expect(await sent(to, disputeId)).toHaveLength(1);
    });
  });

  it('reckons the draft’s age on Exchange’s clock (the Date header), not on Concord’s test clock days ahead', async () => {
    const disputeId = 'd-mail-async-clock';
    const to = 'team.manager@gateshead.example';
    const effect = stage1Email(
      disputeId,
      w.person('ane-team-manager'),
      w.person('gateshead-team-manager'),
      due,
    );
    await withLostSendAnswer(async () => {
      try {
        const first = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
        expect(first).toMatchObject({ ok: false, retryable: true });
        // Concord's clock is a test clock three days ahead (as in the chaos run); Exchange's is not.
        w.clock.offsetMs = 3 * 24 * 60 * 60_000;
        const retry = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 2 });
        expect(retry).toMatchObject({ ok: false, retryable: true });
        await w.h.m365.notifier.idle();
        const later = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 3 });
        expect(later.ok && later.events?.[0]).toMatchObject({ type: 'message-sent' });
        expect(await sent(to, disputeId)).toHaveLength(1);
      } finally {
        w.clock.offsetMs = 0;
      }
    });
  });

  it('a send refused outright (503 through every in-process retry) is sent by the next attempt at once, once', async () => {
    const disputeId = 'd-mail-async-refused';
    const to = 'team.manager@gateshead.example';
    const effect = stage1Email(
      disputeId,
      w.person('ane-team-manager'),
      w.person('gateshead-team-manager'),
      due,
    );
    // The draft is made and tagged; its send meets 503 four times (the client's 3 retries too).
    await w.h.admin('POST', '/faults/fail-next', {
      status: 503,
      count: 4,
      pathContains: '/send',
      method: 'POST',
    });
    const first = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
    expect(first).toMatchObject({ ok: false, retryable: true });
    // Nothing of that send can be on its way: no 2-minute wait for a draft Exchange refused to send.
    const retry = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 2 });
    expect(retry.ok && retry.events?.[0]).toMatchObject({ type: 'message-sent' });
    expect(await sent(to, disputeId)).toHaveLength(1);
  });

  it('a reply draft is tagged by PATCH after createReply, so a retry finds it', async () => {
    const disputeId = 'd-mail-reply-tag';
    const to = 'team.manager@northumberland.example';
    const { ack } = await statementAnswered(disputeId, 'northumberland-team-manager', to);
    await w.h.admin('POST', '/faults/fail-next', {
      status: 503,
      // The send's in-process retries (3) all meet it; the outbox's retry does not.
      count: 4,
      pathContains: '/send',
      method: 'POST',
    });
    expect(await w.performer.perform(ack, { key: ack.key, disputeId, attempt: 1 })).toMatchObject({
      ok: false,
    });
    w.clock.offsetMs = 3 * 60_000;
    const again = await w.performer.perform(ack, { key: ack.key, disputeId, attempt: 2 });
    w.clock.offsetMs = 0;
    expect(again.ok).toBe(true);
    const acks = (await sent(to, disputeId)).filter((m) => m.subject.startsWith('RE:'));
    expect(acks).toHaveLength(1);
    const drafts = (
      await w.h.admin<{ value: AdminMessage[] }>(
        'GET',
        '/mailboxes/team.manager@ane.example/messages?folder=drafts',
      )
    ).value;
    expect(drafts.filter((m) => header(m, DISPUTE_HEADER) === disputeId)).toHaveLength(0);
  });

  it('a reply whose send inside the batch lost its answer (504 after Exchange sent it) goes once', async () => {
    const disputeId = 'd-mail-reply-504';
    const to = 'team.manager@southtyneside.example';
    const { ack } = await statementAnswered(disputeId, 'south-tyneside-team-manager', to);
    await w.h.admin('POST', '/faults/fail-next', {
      status: 504,
      count: 1,
      pathContains: '/send',
      method: 'POST',
      afterApplying: true,
    });
    // The send inside the batch is not tried again after a 504: the outbox's retry looks first.
    expect(await w.performer.perform(ack, { key: ack.key, disputeId, attempt: 1 })).toMatchObject({
      ok: false,
      retryable: true,
    });
    // The outbox retries after a backoff; Exchange has sent the reply by then (a moment after 202).
    await w.h.m365.notifier.idle();
    const again = await w.performer.perform(ack, { key: ack.key, disputeId, attempt: 2 });
    expect(again.ok).toBe(true);
    expect((await sent(to, disputeId)).filter((m) => m.subject.startsWith('RE:'))).toHaveLength(1);
  });
});

describe('a reply draft made but never tagged', () => {
  const drafts = async (address: string) =>
    (await w.h.admin<{ value: AdminMessage[] }>('GET', `/mailboxes/${address}/messages?folder=drafts`)).value;

  it('a createReply whose answer was lost leaves no orphan: the retry finds the draft, tags it and sends it once', async () => {
    const disputeId = 'd-mail-orphan';
    const to = 'team.manager@northtyneside.example';
    const { ack } = await statementAnswered(disputeId, 'north-tyneside-team-manager', to);
    // Exchange makes the reply draft, then the answer is lost (as when the process dies before the tag).
    await w.h.admin('POST', '/faults/fail-next', {
      status: 504,
      pathContains: '/createReply',
      method: 'POST',
      afterApplying: true,
    });
    const first = await w.performer.perform(ack, { key: ack.key, disputeId, attempt: 1 });
    expect(first).toMatchObject({ ok: false, retryable: true });
    const orphan = (await drafts('team.manager@ane.example')).filter(
      (m) => header(m, DISPUTE_HEADER) === disputeId,
    );
    expect(orphan).toHaveLength(1);

    const again = await w.performer.perform(ack, { key: ack.key, disputeId, attempt: 2 });
    expect(again.ok).toBe(true);
    await w.settle();
    // One acknowledgement delivered, and no draft of it left behind for someone to send by hand.
    const acks = (await inbox(to)).filter(
      (m) => header(m, DISPUTE_HEADER) === disputeId && m.subject.startsWith('RE:'),
    );
    expect(acks).toHaveLength(1);
    expect(
      (await drafts('team.manager@ane.example')).filter((m) => header(m, DISPUTE_HEADER) === disputeId),
    ).toEqual([]);
    // It was the orphan that went (reused, not made again).
    expect(acks[0]?.internetMessageId).toBe(orphan[0]?.internetMessageId);
  });
});

describe('a reply Exchange files outside the Inbox', () => {
  it('is found when a rule delivers it straight into Junk Email', async () => {
    const disputeId = 'd-mail-junk';
    const sender = 'team.manager@ane.example';
    const to = 'permanence.team.manager@newcastle.example';
    const effect = stage1Email(
      disputeId,
      w.person('ane-team-manager'),
      w.person('newcastle-permanence-team-manager'),
      due,
    );
    expect((await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 })).ok).toBe(true);
    const statement = (await inbox(to)).find((m) => header(m, DISPUTE_HEADER) === disputeId) as AdminMessage;
    await w.h.admin('PUT', `/mailboxes/${sender}/rules`, { rules: [{ from: to, moveTo: 'junkemail' }] });
    try {
      const reply = await w.h.admin<AdminMessage>(
        'POST',
        `/mailboxes/${to}/messages/${encodeURIComponent(statement.id)}/reply`,
        { comment: 'Agreed: we will meet on Friday.' },
      );
      expect(reply.folder).toBe('sentitems');
      const junk = (
        await w.h.admin<{ value: AdminMessage[] }>('GET', `/mailboxes/${sender}/messages?folder=junkemail`)
      ).value;
      expect(junk.some((m) => m.internetMessageId === reply.internetMessageId)).toBe(true);
      const fed = await w.waitFor((f) => f.event.type === 'reply-received' && f.disputeId === disputeId);
      expect(fed.event).toMatchObject({ internetMessageId: reply.internetMessageId, fromEmail: to });
    } finally {
      await w.h.admin('PUT', `/mailboxes/${sender}/rules`, { rules: [] });
    }
  });
});

describe('missed notifications', () => {
  it('a dropped notification is caught up by delta on `missed`', async () => {
    const disputeId = 'd-mail-3';
    const effect = stage1Email(
      disputeId,
      w.person('ane-team-manager'),
      w.person('south-tyneside-team-manager'),
      due,
    );
    const result = await w.performer.perform(effect, { key: effect.key, disputeId, attempt: 1 });
    expect(result.ok).toBe(true);
    const to = 'team.manager@southtyneside.example';
    const statement = (await inbox(to)).find((m) => header(m, DISPUTE_HEADER) === disputeId) as AdminMessage;
    await w.h.admin('POST', '/notifications/drop', { count: 1 });
    await w.h.admin('POST', `/mailboxes/${to}/messages/${encodeURIComponent(statement.id)}/reply`, {
      comment: 'Agreed actions attached.',
    });
    await w.settle();
    expect(w.fed.some((f) => f.disputeId === disputeId)).toBe(false);

    const sub = w.subscriptions
      .list()
      .find((s) => s.mailbox === 'team.manager@ane.example' && s.kind === 'inbox');
    await w.h.admin('POST', `/subscriptions/${sub?.id}/lifecycle`, { event: 'missed' });
    const fed = await w.waitFor((f) => f.disputeId === disputeId && f.event.type === 'reply-received');
    expect(fed.event).toMatchObject({ text: 'Agreed actions attached.' });
  });
});

describe('webhook refusals', () => {
  it('echoes validationToken as text/plain', async () => {
    const res = await w.inbound.webhooks.handleNotification(
      '',
      new URLSearchParams({ validationToken: 'abc <&>' }),
    );
    expect(res).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'abc <&>' });
  });

  it('a notification with the wrong clientState is ignored', async () => {
    const sub = w.subscriptions.list().find((s) => s.kind === 'inbox');
    const before = await w.inbound.queue.depth();
    const res = await w.inbound.webhooks.handleNotification(
      JSON.stringify({
        value: [
          {
            subscriptionId: sub?.id,
            clientState: 'not-the-secret',
            changeType: 'created',
            resource: `Users/${sub?.mailboxId}/Messages/AAMkAnything=`,
            resourceData: { id: 'AAMkAnything=' },
          },
        ],
      }),
      new URLSearchParams(),
    );
    expect(res.status).toBe(202);
    expect(await w.inbound.queue.depth()).toBe(before);
  });

  it('a forged notification about a message in another mailbox changes nothing', async () => {
    const sub = w.subscriptions
      .list()
      .find((s) => s.kind === 'inbox' && s.mailbox === 'service.manager@ane.example');
    const other = w.subscriptions
      .list()
      .find((s) => s.kind === 'inbox' && s.mailbox === 'team.manager@ane.example');
    const target = (await inbox('team.manager@ane.example'))[0] as AdminMessage;
    await w.settle();
    const fedBefore = w.fed.length;
    const res = await w.inbound.webhooks.handleNotification(
      {
        value: [
          {
            subscriptionId: sub?.id,
            clientState: sub?.clientState,
            changeType: 'created',
            resource: `Users/${other?.mailboxId}/Messages/${target.id}`,
            resourceData: { id: target.id },
          },
        ],
      },
      new URLSearchParams(),
    );
    expect(res.status).toBe(202);
    expect(await w.inbound.queue.depth()).toBe(0);
    await w.settle();
    expect(w.fed.length).toBe(fedBefore);
  });

  it('a message that matches no dispute is ignored', async () => {
    await w.settle();
    const fedBefore = w.fed.length;
    await w.h.admin('POST', '/mailboxes/team.manager@gateshead.example/send', {
      to: 'team.manager@ane.example',
      subject: 'Unrelated',
      body: 'Lunch on Friday?',
    });
    await w.settle();
    expect(w.fed.length).toBe(fedBefore);
  });
});

describe('a reply that comes back before the send is recorded', () => {
  it('still finds its dispute when the process died after Exchange took the email', async () => {
    const id = 'd-mail-crash';
    const effect = stage1Email(
      id,
      w.person('ane-team-manager'),
      w.person('north-tyneside-team-manager'),
      due,
    );
    const real = createGraphMail({ client: w.h.graph.api, log, batch: w.batch });
    // Exchange takes the email, and the process dies before anything after the send runs.
    const dying = createGraphEffectPerformer({
      mail: {
        send: async (e, meta) => {
          await real.send(e, meta);
          throw new Error('killed after the send');
        },
      },
      meetings: w.booker,
      index: w.messageIndex,
      log,
    });
    const result = await dying.perform(effect, { key: effect.key, disputeId: id, attempt: 1 });
    expect(result.ok).toBe(false);
    await w.h.m365.notifier.idle();
    const [received] = (await inbox('team.manager@northtyneside.example')).filter(
      (m) => header(m, DISPUTE_HEADER) === id,
    );
    if (!received) throw new Error('the email did not arrive');
    // The counterpart answers at once, before any retry of the send has recorded anything.
    await w.h.admin(
      'POST',
      `/mailboxes/team.manager@northtyneside.example/messages/${encodeURIComponent(received.id)}/reply`,
      { comment: 'Received; we will look at it this week.' },
    );
    const fed = await w.waitFor((f) => f.event.type === 'reply-received' && f.disputeId === id);
    expect(fed.event).toMatchObject({
      type: 'reply-received',
      text: 'Received; we will look at it this week.',
    });
  });
});

describe('subscription lifecycle', () => {
  it('reauthorizationRequired renews; subscriptionRemoved recreates', async () => {
    const sub = w.subscriptions
      .list()
      .find((s) => s.kind === 'inbox' && s.mailbox === 'head.of.service@ane.example');
    if (!sub) throw new Error('no subscription');
    expect((await w.subscriptions.onLifecycle(sub.id, 'reauthorizationRequired')).kind).toBe('renewed');
    const action = await w.subscriptions.onLifecycle(sub.id, 'subscriptionRemoved');
    expect(action.kind).toBe('recreated');
    const now = w.subscriptions
      .list()
      .filter((s) => s.kind === 'inbox' && s.mailbox === 'head.of.service@ane.example');
    expect(now).toHaveLength(1);
    expect(now[0]?.id).not.toBe(sub.id);
    expect(Date.parse(now[0]?.expiresAt ?? '') - Date.now()).toBeLessThanOrEqual(10_080 * 60_000);
  });

  it('renewDue renews subscriptions close to expiry', async () => {
    w.clock.offsetMs = 2 * 86_400_000 + 3_600_000; // 49 h later: inside the renew-within day
    try {
      const result = await w.subscriptions.renewDue();
      expect(result.renewed + result.recreated).toBe(w.subscriptions.list().length);
    } finally {
      w.clock.offsetMs = 0;
    }
  });
});
